"""The practice log's sink: records the session being played, as it plays.

On START a row goes in marked *interrupted*, so a killed process still leaves an honest
record; FINISH or STOP completes it. A problem with the file gives one warning and turns the
sink off; the routine plays on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from calfkit.errors import HistoryError
from calfkit.history import store
from calfkit.history.queries import History
from calfkit.history.store import (
    FINAL_WRITE_PATIENCE_SECONDS,
    Ending,
    history_path,
    is_lock,
    open_for_writing,
    patiently,
    reason,
    stamp,
)
from calfkit.player.events import Event, EventKind

if TYPE_CHECKING:
    import sqlite3


class HistorySink:
    """Records the session being played (a :class:`~calfkit.player.events.Sink`).

    On START a row goes in marked *interrupted*; each new step updates where it stands and
    the time played (so a killed process leaves a sensible row), and FINISH or STOP completes
    it with the figures the player attached to it (its Outcome). Any problem with the file gives one
    warning through ``warn`` and turns the sink off; the routine plays on.

    ``sound`` is the sound back end in use and ``voice`` whether cues are spoken; ``speed``
    is the playback speed (a session played faster than real time is kept as a preview).
    Times recorded are seconds on the player's clock, so real time even at another speed.
    """

    def __init__(
        self,
        sound: str,
        voice: bool,
        warn: Callable[[str], None],
        path: str | os.PathLike[str] | None = None,
        now: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        *,
        speed: float = 1.0,
    ) -> None:
        self.sound = sound
        self.voice = voice
        self.speed = speed
        self._warn = warn
        self.path = history_path() if path is None else Path(path)
        self._now = store.utc_now if now is None else now
        self._tz = tz
        self._connection: sqlite3.Connection | None = None
        self.session_id: int | None = None
        self.off = False
        self.ended: Ending | None = None
        self._planned = 0.0
        self._steps_total = 0
        self._step = 0
        # Time so far for the row between steps, in seconds on the player's clock
        # (Event.actual); the end takes the player's own figures instead.
        self._begun_at: float | None = None  # the first step began (the lead-in is not played)
        self._paused_before = 0.0  # paused before then
        self._paused_since: float | None = None
        self._paused = 0.0

    # -- Sink ----------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if self.off or self.ended is not None:
            return
        import sqlite3

        try:
            self._handle(event)
        except (sqlite3.Error, OSError, HistoryError) as error:
            self._turn_off(error)

    def close(self) -> None:
        if self._connection is not None:
            import sqlite3

            try:
                self._connection.close()
            except sqlite3.Error:
                pass  # everything worth keeping was committed when it happened
            finally:
                self._connection = None

    # -- the end summary -----------------------------------------------------------------

    def summary_line(self, now: datetime | None = None) -> str | None:
        """The end summary, e.g. "3rd session this week · 5-day streak"; None when this
        session was not recorded or was a preview (played faster than real time)."""
        if self.off or self.session_id is None or self.speed > 1.0:
            return None
        try:
            with History(self.path, tz=self._tz) as history:
                return history.summary_line(
                    self._now() if now is None else now, session=self.session_id
                )
        except (HistoryError, OSError):
            return None

    # -- inside --------------------------------------------------------------------------

    def _turn_off(self, error: BaseException) -> None:
        self.off = True
        self.close()
        doing = "not recording" if self.session_id is None else "stopped recording"
        self._warn(f"history: {doing} this session: {self.path} {reason(error)}")

    def _handle(self, event: Event) -> None:
        kind = event.kind
        if kind is EventKind.START:
            self._start(event)
        elif self._connection is None:
            return
        elif kind in (EventKind.STEP, EventKind.SWITCH):
            self._new_step(event)
        elif kind is EventKind.PAUSE:
            if self._paused_since is None:
                self._paused_since = event.actual
        elif kind is EventKind.RESUME:
            if self._paused_since is not None:
                self._paused += max(0.0, event.actual - self._paused_since)
                self._paused_since = None
        elif kind in (EventKind.FINISH, EventKind.STOP):
            self._finish(event)

    def _start(self, event: Event) -> None:
        timeline = event.timeline
        if timeline is not None:
            routine = timeline.routine
            name, title, content_hash = routine.name, routine.title, routine.content_hash
            self._planned = timeline.total
            self._steps_total = len(timeline.segments)
        else:
            name, title, content_hash = "?", "?", None
        self._connection = open_for_writing(self.path)
        cursor = self._connection.execute(
            "INSERT INTO sessions (started_at, routine, title, content_hash, planned_seconds,"
            " steps_total, sound, voice, speed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                stamp(self._now()),
                name,
                title,
                content_hash,
                self._planned,
                self._steps_total,
                self.sound,
                int(self.voice),
                self.speed,
            ),
        )
        self.session_id = cursor.lastrowid

    def _new_step(self, event: Event) -> None:
        if self._begun_at is None:
            self._begun_at = event.actual
            self._paused_before = self._so_far(event.actual)[1]
            # Started part-way (``play --from``): what was planned is what lies ahead.
            if event.segment is not None and event.segment.start > 0:
                self._planned = max(0.0, self._planned - event.segment.start)
        self._step = event.step
        self._write_progress(event.actual)

    def _so_far(self, at: float) -> tuple[float, float]:
        """Seconds played (since the first step began) and paused, up to ``at``."""
        paused = self._paused
        if self._paused_since is not None:
            paused += max(0.0, at - self._paused_since)
        if self._begun_at is None:
            return 0.0, paused
        return max(0.0, at - self._begun_at - (paused - self._paused_before)), paused

    def _write_progress(self, at: float) -> None:
        import sqlite3

        assert self._connection is not None
        played, paused = self._so_far(at)
        try:
            self._connection.execute(
                "UPDATE sessions SET played_seconds = ?, paused_seconds = ?, end_step = ?,"
                " planned_seconds = ? WHERE id = ?",
                (played, paused, self._step, self._planned, self.session_id),
            )
        except sqlite3.OperationalError as error:
            if not is_lock(error):
                raise
            # Another calfkit holds the log this instant: the next step or the end writes
            # the same figures, so this one is not worth a warning or a wait.

    def _finish(self, event: Event) -> None:
        from calfkit.player.events import Status

        assert self._connection is not None
        outcome = event.outcome
        if outcome is not None:
            ending = {Status.FINISHED: Ending.FINISHED, Status.STOPPED: Ending.STOPPED}.get(
                outcome.status, Ending.INTERRUPTED
            )
            step = outcome.step
            played = outcome.played_seconds - outcome.lead_in_seconds
            paused = outcome.paused_seconds
        else:
            # Not told by a player (a hand-made event): the figures as the events tell them.
            if event.kind is EventKind.FINISH:
                ending, step = Ending.FINISHED, self._steps_total
            else:
                ending = Ending.STOPPED if event.text == "quit" else Ending.INTERRUPTED
                step = event.step or self._step
            played, paused = self._so_far(event.actual)
        connection = self._connection
        parameters = (
            stamp(self._now()),
            played,
            paused,
            ending.value,
            step,
            self._planned,
            self.session_id,
        )
        # The routine is over, so the last write may wait a little longer than the others
        # for another calfkit to let go: it is the one that says how the session ended.
        patiently(
            lambda: connection.execute(
                "UPDATE sessions SET ended_at = ?, played_seconds = ?, paused_seconds = ?,"
                " ended = ?, end_step = ?, planned_seconds = ? WHERE id = ?",
                parameters,
            ),
            FINAL_WRITE_PATIENCE_SECONDS,
        )
        self.ended = ending
        self.close()
