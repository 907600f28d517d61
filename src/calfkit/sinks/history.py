"""The practice log's sink: records the session being played, as it plays.

The row goes in when the player prepares its sinks, before its clock starts, so that opening
the file never makes a cue late. It is marked *interrupted* until FINISH or STOP completes
it, so a killed process still leaves an honest record; while the session plays, a heartbeat
thread of its own marks the row as alive, so ``calfkit history`` can say "in progress". A
problem with the file gives one warning and turns the sink off; the routine plays on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from calfkit.errors import HistoryError
from calfkit.history import store
from calfkit.history.queries import History, Session
from calfkit.history.store import (
    HEARTBEAT_SECONDS,
    Begun,
    Ended,
    Ending,
    Progress,
    Writer,
    history_path,
    reason,
)
from calfkit.player.events import Event, EventKind, Status
from calfkit.text import shown
from calfkit.timeline import fingerprint

if TYPE_CHECKING:
    from calfkit.timeline import Timeline


class HistorySink:
    """Records the session being played (a :class:`~calfkit.player.events.Sink`).

    :meth:`prepare` opens the log and inserts the row marked *interrupted* (the player calls
    it before its clock starts; a START that comes unprepared does it then). Each new step
    updates where the session stands and the time played so far, as the event says it, and
    FINISH or STOP completes the row with the player's own figures (its Outcome). A session
    played to its end counts as *finished* only if :attr:`Outcome.practised` (most of it
    really played), else it is recorded as *skipped*. Any problem with the file gives one
    warning through ``warn`` and turns the sink off; the routine plays on.

    ``sound`` is the sound back end in use and ``voice`` whether cues are spoken; ``speed``
    is the playback speed (a session played faster than real time is kept as a preview).
    Times recorded are seconds on the player's clock, so real time even at another speed.

    ``resume`` is the unfinished session this one takes up (``play --resume``): its own row is
    opened again (one part more) instead of a new one, the time played adds to what it held,
    and what was planned stays the whole routine's, so the session is *finished* once all its
    steps were played across its parts.
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
        heartbeat: float = HEARTBEAT_SECONDS,
        resume: Session | None = None,
        rest: Callable[[date], bool] | None = None,
    ) -> None:
        self.sound = sound
        self.resume = resume
        self.rest = rest  # the followed plan's rest days: they keep the summary's streak
        self.voice = voice
        self.speed = speed
        self._warn = warn
        self.path = history_path() if path is None else Path(path)
        self._now = store.utc_now if now is None else now
        self._tz = tz
        self._heartbeat_every = heartbeat
        self._writer: Writer | None = None
        self.session_id: int | None = None
        self.off = False
        self.ended: Ending | None = None
        self._prepared = False
        self._planned = 0.0
        self._steps_total = 0
        self._tops_total = 0
        self._step = 0
        self._top = 0
        self._step_hash: str | None = None
        self._stop_beating = threading.Event()
        self._beating: threading.Thread | None = None
        self._begun: Begun | None = None  # this session's row as first written
        self._file: tuple[int, int] | None = None  # the log's (device, inode) as opened

    # -- Sink ----------------------------------------------------------------------------

    def prepare(self, timeline: Timeline | None) -> None:
        """Open the log and insert this session's row (slow: before the player's clock)."""
        if self._prepared or self.off:
            return
        self._prepared = True
        import sqlite3

        try:
            self._start(timeline)
        except (sqlite3.Error, OSError, HistoryError) as error:
            self._turn_off(error)

    def handle(self, event: Event) -> None:
        if self.off or self.ended is not None:
            return
        import sqlite3

        try:
            self._handle(event)
        except (sqlite3.Error, OSError, HistoryError) as error:
            self._turn_off(error)

    def close(self) -> None:
        self._stop_heartbeat()
        if self._writer is not None:
            import sqlite3

            try:
                self._writer.close()
            except sqlite3.Error:
                pass  # everything worth keeping was committed when it happened
            finally:
                self._writer = None

    # -- the end summary -----------------------------------------------------------------

    def summary_line(self, now: datetime | None = None) -> str | None:
        """The end summary, e.g. "3rd session this week · 5-day streak"; None when this
        session was not recorded or was a preview (played faster than real time)."""
        if self.off or self.session_id is None or store.is_preview(self.speed):
            return None
        if self.ended is Ending.SKIPPED:
            return None  # not practice: it takes no place among the week's sessions
        try:
            with History(self.path, tz=self._tz) as history:
                return history.summary_line(
                    self._now() if now is None else now, session=self.session_id, rest=self.rest
                )
        except (HistoryError, OSError):
            return None

    # -- inside --------------------------------------------------------------------------

    def _turn_off(self, error: BaseException) -> None:
        self.off = True
        self.close()
        doing = "not recording" if self.session_id is None else "stopped recording"
        self._warn(f"history: {doing} this session: {shown(self.path)} {reason(error)}")

    def _handle(self, event: Event) -> None:
        kind = event.kind
        if kind is EventKind.START:
            self.prepare(event.timeline)  # unless the player already did
        elif self._writer is None:
            return
        elif kind in (EventKind.STEP, EventKind.SWITCH):
            self._new_step(event)
        elif kind in (EventKind.FINISH, EventKind.STOP):
            self._finish(event)

    def _start(self, timeline: Timeline | None) -> None:
        if timeline is not None:
            routine = timeline.routine
            name, title, content_hash = routine.name, routine.title, routine.content_hash
            self._planned = timeline.total
            self._steps_total = len(timeline.segments)
            self._tops_total = len(routine.steps)
        else:
            name, title, content_hash = "?", "?", None
        self._writer = Writer.open(self.path)
        self._file = _identity(self.path)
        if self.resume is not None:
            self._planned = self.resume.planned_seconds  # the whole routine's, as first planned
            self._writer.reopen(self.resume.id, self._now())
            self.session_id = self.resume.id
            self._begun = _begun_of(self.resume)
            self._start_heartbeat()
            return
        self._begun = Begun(
            started_at=self._now(),
            routine=name,
            title=title,
            content_hash=content_hash,
            planned_seconds=self._planned,
            steps_total=self._steps_total,
            tops_total=self._tops_total,
            sound=self.sound,
            voice=self.voice,
            speed=self.speed,
        )
        self.session_id = self._writer.begin(self._begun)
        self._start_heartbeat()

    def _still_home(self) -> None:
        """If the log was deleted or replaced while this session played (on POSIX the open
        connection would go on writing to a file nobody can see), write this session's row
        into the log now at the path, with one warning, instead of losing it silently."""
        if self._file is None or self._begun is None or _identity(self.path) == self._file:
            return
        self._stop_heartbeat()
        if self._writer is not None:
            self._writer.close()  # the last connection: SQLite also clears its -wal and -shm
        self._writer = None
        self._writer = Writer.open(self.path)
        self._file = _identity(self.path)
        self.session_id = self._writer.begin(self._begun)
        self._warn(
            f"history: {shown(self.path)} was removed or replaced while this session played; "
            "this session is written to the log there now"
        )
        self._stop_beating.clear()
        self._start_heartbeat()

    def _new_step(self, event: Event) -> None:
        self._still_home()
        assert self._writer is not None and self.session_id is not None
        segment = event.segment
        if self._step == 0 and segment is not None and segment.start > 0 and self.resume is None:
            # Started part-way (``play --from``): what was planned is what lies ahead. (A
            # resumed session keeps the whole routine's plan: its parts add up to it.)
            self._planned = max(0.0, self._planned - segment.start)
        self._step, self._top = event.step, event.top_step
        played, paused = self._so_far(event.played, event.paused)
        if event.segment is not None:
            self._step_hash = fingerprint(event.segment)
        self._writer.progress(
            self.session_id,
            Progress(
                played_seconds=played,
                paused_seconds=paused,
                end_step=self._step,
                end_top=self._top,
                planned_seconds=self._planned,
                step_hash=self._step_hash,
            ),
        )

    def _so_far(self, played: float, paused: float) -> tuple[float, float]:
        """This part's figures, added to the earlier parts' when resuming."""
        if self.resume is None:
            return played, paused
        return self.resume.played_seconds + played, self.resume.paused_seconds + paused

    def _finish(self, event: Event) -> None:
        self._still_home()
        assert self._writer is not None and self.session_id is not None
        self._stop_heartbeat()
        outcome = event.outcome
        if outcome is not None:
            if outcome.status is Status.FINISHED:
                ending = Ending.FINISHED if outcome.practised else Ending.SKIPPED
            elif outcome.status is Status.STOPPED:
                ending = Ending.STOPPED
            else:
                ending = Ending.INTERRUPTED
            step, top = outcome.step, outcome.top_step
            played, paused = outcome.played_seconds, outcome.paused_seconds
        else:
            # Not told by a player (a hand-made event): the figures as the events tell them.
            if event.kind is EventKind.FINISH:
                ending, step, top = Ending.FINISHED, self._steps_total, self._tops_total
            else:
                ending = Ending.STOPPED if event.text == "quit" else Ending.INTERRUPTED
                step, top = event.step or self._step, event.top_step or self._top
            played, paused = event.played, event.paused
        played, paused = self._so_far(played, paused)
        if self.resume is not None and step == 0:
            # Stopped again before a step began: it still stands where it stood.
            step, top = self.resume.end_step, self.resume.end_top
            self._step_hash = self.resume.step_hash
        self._writer.end(
            self.session_id,
            Ended(
                played_seconds=played,
                paused_seconds=paused,
                end_step=step,
                end_top=top,
                planned_seconds=self._planned,
                ended_at=self._now(),
                ended=ending,
                step_hash=self._step_hash,
            ),
        )
        self.ended = ending
        self.close()

    # -- the heartbeat -------------------------------------------------------------------

    def _start_heartbeat(self) -> None:
        """Mark the row alive every few seconds from a thread of its own (its own connection,
        so the player's thread never waits on it), paused or not, until the session ends."""
        if self._heartbeat_every <= 0 or self.session_id is None:
            return
        self._beating = threading.Thread(
            target=self._beat, args=(self.session_id,), name="calfkit-history", daemon=True
        )
        self._beating.start()

    def _beat(self, session: int) -> None:
        import sqlite3

        writer: Writer | None = None
        try:
            while not self._stop_beating.wait(self._heartbeat_every):
                if writer is None:
                    writer = Writer.attach(self.path)
                writer.beat(session, self._now())
        except (sqlite3.Error, HistoryError):
            return  # the main connection reports real problems
        finally:
            if writer is not None:
                writer.close()

    def _stop_heartbeat(self) -> None:
        beating, self._beating = self._beating, None
        if beating is not None:
            self._stop_beating.set()
            beating.join()


def _identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as (device, inode); None when there is none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _begun_of(session: Session) -> Begun:
    """A resumed session's row as it began, to write it again if its log goes away."""
    return Begun(
        started_at=session.started_at,
        routine=session.routine,
        title=session.title,
        content_hash=session.content_hash,
        planned_seconds=session.planned_seconds,
        steps_total=session.steps_total,
        tops_total=session.tops_total,
        sound=session.sound,
        voice=session.voice,
        speed=session.speed,
    )
