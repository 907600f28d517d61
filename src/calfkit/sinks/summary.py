"""What a finished session came to, in the words every sink that reports it uses: the live
view prints it when it closes, plain output as its last line."""

from __future__ import annotations

from dataclasses import dataclass

from calfkit import words
from calfkit.player.events import STOP_REASONS, Outcome, Status

# What a session played to its end but mostly skipped is, in history's words too.
SKIPPED_NOTE = "not counted as practice"


@dataclass
class Summary:
    """What the view prints when playback ends."""

    title: str
    finished: bool
    played: float  # clock seconds from the first step to the end, lead-in and pauses out
    paused: float
    steps_done: int
    steps_total: int
    skipped: int
    reason: str | None = None  # why it stopped early
    # Played to the end with most of it really played (Outcome.practised); a session skipped
    # to its end is not said to be finished, as history does not count it as practice.
    practised: bool = True

    def lines(self) -> list[str]:
        if self.finished and not self.practised:
            head = f"Skipped to the end of {self.title} ({SKIPPED_NOTE})."
        elif self.finished:
            head = f"Finished {self.title}."
        else:
            why = f" ({self.reason})" if self.reason else ""
            head = f"Stopped {self.title}{why}."
        return [head, self.figures()]

    def figures(self) -> str:
        """The session in numbers, one line: time played (the lead-in and pauses left out, as
        history counts it), timed steps done of all, skipped, paused; to the nearest second."""
        return (
            f"Time {words.clock(self.played)} · steps done {self.steps_done} of "
            f"{self.steps_total} · skipped {self.skipped} · paused {words.clock(self.paused)}"
        )

    @classmethod
    def of_outcome(cls, outcome: Outcome, title: str) -> Summary:
        """The summary of a session as the player counted it."""
        return cls(
            title=title,
            finished=outcome.status is Status.FINISHED,
            played=outcome.played_seconds,
            paused=outcome.paused_seconds,
            steps_done=outcome.steps_done,
            steps_total=outcome.steps_total,
            skipped=outcome.steps_skipped,
            reason=STOP_REASONS.get(outcome.status),
            practised=outcome.practised,
        )
