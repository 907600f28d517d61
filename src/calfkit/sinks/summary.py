"""What a finished session came to, in the words every sink that reports it uses: the live
view prints it when it closes, plain output as its last line."""

from __future__ import annotations

import math
from dataclasses import dataclass

from calfkit.player.events import STOP_REASONS, Outcome, Status


def clock_text(seconds: float) -> str:
    """Whole seconds left as ``m:ss`` (``h:mm:ss`` from an hour), rounded up so 0:00 means done."""
    whole = max(0, math.ceil(seconds - 1e-6))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


@dataclass
class Summary:
    """What the view prints when playback ends."""

    title: str
    finished: bool
    played: float  # clock seconds from start to end, lead-in in, pauses out (Outcome's count)
    paused: float
    steps_done: int
    steps_total: int
    skipped: int
    reason: str | None = None  # why it stopped early

    def lines(self) -> list[str]:
        if self.finished:
            head = f"Finished {self.title}."
        else:
            why = f" ({self.reason})" if self.reason else ""
            head = f"Stopped {self.title}{why}."
        return [head, self.figures()]

    def figures(self) -> str:
        """The session in numbers, one line: time, steps done, skipped, paused."""
        return (
            f"Time {clock_text(self.played)} · steps done {self.steps_done} of "
            f"{self.steps_total} · skipped {self.skipped} · paused {clock_text(self.paused)}"
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
        )
