"""The questions people ask of the practice log, and how the answers are worded: recent
sessions, this week's totals, the current streak of days with a finished session, when each
routine was last done."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from calfkit.errors import HistoryBusy, HistoryError
from calfkit.history import store
from calfkit.history.store import (
    COLUMNS,
    DISK_FULL,
    HEARTBEAT_STALE_SECONDS,
    NOT_PREVIEW_SQL,
    Ending,
    connect,
    history_path,
    is_lock,
    is_preview,
    migrate,
    parse_stamp,
    read_only_part,
    reason,
    stamp,
)
from calfkit.words import ordinal

# More seconds than any session lasts (a day-long routine at the slowest speed, 0.01x, plays
# for 2,400 hours): a figure past this, or below zero, was never written by calfkit, and is
# shown as unknown rather than as a clock hundreds of digits long.
MAX_SHOWN_SECONDS = 10_000 * 3600.0


def plausible(seconds: float) -> bool:
    """Whether a figure of seconds from the log is one a session can have played."""
    return 0.0 <= seconds <= MAX_SHOWN_SECONDS


def _figure(value: object) -> float:
    # A text, a blob or NULL where a number belongs is a ValueError, and so is an infinity,
    # which no JSON can carry (SQLite stores NaN as NULL).
    number = float(str(value))
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


if TYPE_CHECKING:
    import sqlite3
    from types import TracebackType


@dataclass(frozen=True)
class Session:
    """One row of the log."""

    id: int
    started_at: datetime  # aware, UTC
    ended_at: datetime | None
    routine: str
    title: str
    content_hash: str | None
    planned_seconds: float
    played_seconds: float
    paused_seconds: float
    ended: Ending
    end_step: int
    steps_total: int
    sound: str
    voice: bool
    speed: float = 1.0
    end_top: int = 0  # the top-level step reached (0: not known, in rows from schema 1)
    tops_total: int = 0
    heartbeat_at: datetime | None = None
    playing: bool = False  # never ended and its heartbeat is fresh: still being played
    parts: int = 1  # times it was played: one more for each ``play --resume``
    step_hash: str | None = None  # the fingerprint of the step reached (schema 3 on)

    @property
    def unfinished(self) -> bool:
        """Stopped or interrupted after its first step began, and not playing now: what
        ``play --resume`` takes up."""
        ended_early = self.ended in (Ending.STOPPED, Ending.INTERRUPTED)
        return ended_early and self.end_step > 0 and not self.playing

    @property
    def preview(self) -> bool:
        """Played faster than real time (``play --speed``): not practice, so it counts for no
        week total, streak or "last done"."""
        return is_preview(self.speed)

    def outcome(self) -> str:
        """How it ended, in words: "finished", "stopped at step 4 of 7", "in progress".

        Step numbers are top-level steps, as ``show`` numbers them and ``play --from`` takes
        them (rows from before schema 2 knew only timed steps, and say those)."""
        if self.tops_total > 0:
            at = f"step {self.end_top} of {self.tops_total}"
        else:
            at = f"step {self.end_step} of {self.steps_total}"
        how = "in progress" if self.playing else self.ended.value
        if self.ended is Ending.FINISHED and not self.playing:
            text = "finished"
        elif self.ended is Ending.SKIPPED and not self.playing:
            text = "skipped to the end (not counted as practice)"
        elif self.end_step <= 0:
            text = f"{how} before the first step" if not self.playing else "in progress"
        else:
            text = f"{how} at {at}"
        if self.parts > 1:
            text += f" (in {self.parts} parts)"
        if self.preview:
            text += f" ({self.speed:g}x preview)"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": stamp(self.started_at),
            "ended_at": None if self.ended_at is None else stamp(self.ended_at),
            "routine": self.routine,
            "title": self.title,
            "content_hash": self.content_hash,
            "planned_seconds": self.planned_seconds,
            "played_seconds": self.played_seconds,
            "paused_seconds": self.paused_seconds,
            "ended": self.ended.value,
            "end_step": self.end_step,
            "steps_total": self.steps_total,
            "end_top_step": self.end_top,
            "top_steps_total": self.tops_total,
            "in_progress": self.playing,
            "sound": self.sound,
            "voice": self.voice,
            "speed": self.speed,
            "parts": self.parts,
        }

    @classmethod
    def from_row(cls, row: tuple[object, ...], now: datetime | None = None) -> Session:
        """The session in a row of :data:`~calfkit.history.store.COLUMNS`; ``now`` tells a
        session still playing (a fresh heartbeat) from one that was killed."""
        (
            id_,
            started_at,
            ended_at,
            routine,
            title,
            content_hash,
            planned,
            played,
            paused,
            ended,
            end_step,
            steps_total,
            sound,
            voice,
            speed,
            end_top,
            tops_total,
            heartbeat_at,
            parts,
            step_hash,
        ) = row
        heartbeat = None if heartbeat_at is None else parse_stamp(str(heartbeat_at))
        playing = (
            ended_at is None
            and heartbeat is not None
            and now is not None
            and (now - heartbeat).total_seconds() <= HEARTBEAT_STALE_SECONDS
        )
        return cls(
            id=int(str(id_)),
            started_at=parse_stamp(str(started_at)),
            ended_at=None if ended_at is None else parse_stamp(str(ended_at)),
            routine=str(routine),
            title=str(title),
            content_hash=None if content_hash is None else str(content_hash),
            planned_seconds=_figure(planned),
            played_seconds=_figure(played),
            paused_seconds=_figure(paused),
            ended=Ending(str(ended)),
            end_step=int(str(end_step)),
            steps_total=int(str(steps_total)),
            sound=str(sound),
            voice=bool(voice),
            speed=_figure(speed),
            end_top=int(str(end_top)),
            tops_total=int(str(tops_total)),
            heartbeat_at=heartbeat,
            playing=playing,
            parts=int(str(parts)),
            step_hash=None if step_hash is None else str(step_hash),
        )


@dataclass(frozen=True)
class WeekTotals:
    """Sessions in the local calendar week (Monday to Sunday) that holds a moment,
    previews left out."""

    start: date  # the Monday
    sessions: int
    finished: int
    played_seconds: float


@dataclass(frozen=True)
class DayTotals:
    """What one local day held: time played, sessions, finished ones (previews left out)."""

    day: date
    played_seconds: float
    sessions: int
    finished: int

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "played_seconds": self.played_seconds,
            "sessions": self.sessions,
            "finished": self.finished,
        }


class History:
    """Read access to the log. A missing file is an empty history, and is not created.

    ``tz`` is the zone whose calendar days count for weeks and streaks (default: this
    machine's local zone); tests pass one. A row calfkit cannot read (edited by hand: a text
    where a number belongs, a NULL, a time that is not one) is left out of every answer, and
    its id kept in ``unreadable`` for the caller to warn about once.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, tz: tzinfo | None = None):
        self.path = history_path() if path is None else Path(path)
        self._tz = tz
        self.unreadable: dict[str, None] = {}  # ids of the rows left out (a set, kept in order)
        self._connection: sqlite3.Connection | None = None
        if self.path.exists():
            import sqlite3

            if read_only_part(self.path) is not None:
                # A log we may not write: read it as it stands, without SQLite creating
                # read-only WAL companions beside it (nobody here can be writing to it).
                try:
                    self._connection = self._open(read_only=True)
                except sqlite3.Error as error:
                    raise self._unreadable(error) from None
                return
            try:
                self._connection = self._open()
            except sqlite3.Error as error:
                if reason(error) not in ("is read-only", "cannot be opened", DISK_FULL):
                    raise self._unreadable(error) from None
                # A log in a folder we cannot write to, or on a full disk: SQLite cannot make
                # its lock files there, so read the file as it stands (nobody can be writing
                # to it either).
                try:
                    self._connection = self._open(read_only=True)
                except sqlite3.Error:
                    raise self._unreadable(error) from None

    def _unreadable(self, error: BaseException) -> HistoryError:
        kind = HistoryBusy if is_lock(error) else HistoryError
        return kind(f"cannot read history: {self.path} {reason(error)}")

    def _open(self, *, read_only: bool = False) -> sqlite3.Connection:
        import sqlite3

        if read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            try:
                connection = connect(self.path)
            except HistoryError as error:
                raise HistoryError(f"cannot read history: {self.path} {error}") from None
        try:
            migrate(connection)
        except HistoryError as error:
            connection.close()
            raise HistoryError(f"cannot read history: {self.path} {error}") from None
        except BaseException:
            connection.close()
            raise
        return connection

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _query(self, sql: str, parameters: Iterable[object] = ()) -> Iterator[tuple[object, ...]]:
        if self._connection is None:
            return iter(())
        import sqlite3

        try:
            rows: list[tuple[object, ...]] = self._connection.execute(
                sql, tuple(parameters)
            ).fetchall()
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        return iter(rows)

    # -- dates ---------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """A moment in the history's time zone."""
        return moment.astimezone(self._tz) if self._tz is not None else moment.astimezone()

    def _midnight(self, day: date) -> datetime:
        """The first moment of a local calendar day (DST-safe)."""
        if self._tz is not None:
            return datetime.combine(day, time(), tzinfo=self._tz)
        return datetime.combine(day, time()).astimezone()

    def today(self, now: datetime | None = None) -> date:
        return self.local(store.utc_now() if now is None else now).date()

    # -- questions -----------------------------------------------------------------------

    def sessions(self, limit: int | None = 20, routine: str | None = None) -> list[Session]:
        """The most recent sessions, newest first; only ``routine``'s if given."""
        sql = f"SELECT {COLUMNS} FROM sessions"
        parameters: list[object] = []
        if routine is not None:
            sql += " WHERE routine = ?"
            parameters.append(routine)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        now = store.utc_now()
        found = (self._session(row, now) for row in self._query(sql, parameters))
        return [session for session in found if session is not None]

    def resumable(self, routine: str) -> Session | None:
        """The last unfinished session of ``routine`` (:attr:`Session.unfinished`), if any;
        previews are not taken up."""
        sql = (
            f"SELECT {COLUMNS} FROM sessions WHERE routine = ? AND end_step > 0"
            f" AND ended IN ('stopped', 'interrupted') AND {NOT_PREVIEW_SQL}"
            " ORDER BY started_at DESC, id DESC LIMIT 20"
        )
        now = store.utc_now()
        for row in self._query(sql, (routine,)):
            session = self._session(row, now)
            if session is not None and session.unfinished:
                return session
        return None

    def _session(self, row: tuple[object, ...], now: datetime) -> Session | None:
        try:
            return Session.from_row(row, now)
        except (ValueError, TypeError, OverflowError):
            self.unreadable[str(row[0])] = None
            return None

    def unreadable_warning(self) -> str | None:
        """One line saying which rows were left out as unreadable, or None if none were."""
        if not self.unreadable:
            return None
        ids = sorted(self.unreadable, key=lambda id_: (len(id_), id_))  # 2 before 10
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        rows = "session" if len(ids) == 1 else "sessions"
        return (
            f"history: {self.path} has {len(ids)} {rows} calfkit cannot read (id {shown}); left out"
        )

    def _parse(self, stamp: object) -> datetime:
        try:
            return parse_stamp(str(stamp))
        except ValueError:
            raise self._damaged(f"session start time {str(stamp)!r}") from None

    def _damaged(self, what: str) -> HistoryError:
        # A row edited by hand (the log is an ordinary SQLite file) must not crash a command.
        return HistoryError(f"cannot read history: {self.path} has a {what} calfkit cannot read")

    def week_totals(self, now: datetime | None = None) -> WeekTotals:
        """Totals for the local week (Monday first) that holds ``now``."""
        monday, start, end = self._week_bounds(store.utc_now() if now is None else now)
        rows = list(
            self._query(
                "SELECT count(*), coalesce(sum(ended = 'finished'), 0),"
                # Only figures a session can have (a row edited into text or 1e308 is
                # shown as unknown in its own line, and adds nothing here).
                " coalesce(sum(CASE WHEN typeof(played_seconds) IN ('integer', 'real')"
                f" AND played_seconds BETWEEN 0 AND {MAX_SHOWN_SECONDS} THEN played_seconds"
                " END), 0)"
                f" FROM sessions WHERE started_at >= ? AND started_at < ? AND {NOT_PREVIEW_SQL}",
                (start, end),
            )
        )
        count, finished, played = rows[0] if rows else (0, 0, 0.0)
        return WeekTotals(
            start=monday,
            sessions=int(str(count)),
            finished=int(str(finished)),
            played_seconds=float(str(played)),
        )

    def _finished_days(self, until: date) -> set[date]:
        """The local days up to ``until`` with at least one finished session (not a preview)."""
        end = stamp(self._midnight(until + timedelta(days=1)))
        rows = self._query(
            "SELECT id, started_at FROM sessions"
            f" WHERE ended = 'finished' AND {NOT_PREVIEW_SQL} AND started_at < ?",
            (end,),
        )
        found: set[date] = set()
        for id_, started_at in rows:
            try:
                found.add(self.local(parse_stamp(str(started_at))).date())
            except (ValueError, OverflowError):
                self.unreadable[str(id_)] = None
        return found

    def streak(
        self, today: date | None = None, *, rest: Callable[[date], bool] | None = None
    ) -> int:
        """Consecutive local days, up to today, each with at least one finished session.

        A day not yet practised does not break the streak: if today has no finished
        session, the streak that ran up to yesterday still stands. ``rest`` tells the rest
        days of the plan being followed: they count as kept (a run of rest days alone is no
        streak).
        """
        today = self.today() if today is None else today
        practised = self._finished_days(today)
        if not practised:
            return 0
        earliest = min(practised)

        def kept(day: date) -> bool:
            return day in practised or (rest is not None and rest(day))

        day = today if kept(today) else today - timedelta(days=1)
        streak = 0
        any_practised = False
        while day >= earliest and kept(day):
            streak += 1
            any_practised = any_practised or day in practised
            day -= timedelta(days=1)
        return streak if any_practised else 0

    def days(self, first: date, last: date) -> dict[date, DayTotals]:
        """What was practised on each local day from ``first`` to ``last`` (days without a
        session are absent); previews left out, as from every total."""
        start = stamp(self._midnight(first))
        end = stamp(self._midnight(last + timedelta(days=1)))
        rows = self._query(
            "SELECT id, started_at, played_seconds, ended FROM sessions"
            f" WHERE started_at >= ? AND started_at < ? AND {NOT_PREVIEW_SQL}",
            (start, end),
        )
        totals: dict[date, DayTotals] = {}
        for id_, started_at, played, ended in rows:
            try:
                day = self.local(parse_stamp(str(started_at))).date()
                seconds = _figure(played)
            except (ValueError, TypeError, OverflowError):
                self.unreadable[str(id_)] = None
                continue
            before = totals.get(day, DayTotals(day, 0.0, 0, 0))
            totals[day] = DayTotals(
                day,
                before.played_seconds + (seconds if plausible(seconds) else 0.0),
                before.sessions + 1,
                before.finished + (ended == Ending.FINISHED.value),
            )
        return totals

    def finished_on(self, day: date) -> dict[str, int]:
        """How many sessions of each routine were finished on a local day (previews left
        out)."""
        start = stamp(self._midnight(day))
        end = stamp(self._midnight(day + timedelta(days=1)))
        found: dict[str, int] = {}
        for routine, count in self._query(
            "SELECT routine, count(*) FROM sessions WHERE ended = 'finished'"
            f" AND {NOT_PREVIEW_SQL} AND started_at >= ? AND started_at < ? GROUP BY routine",
            (start, end),
        ):
            found[str(routine)] = int(str(count))
        return found

    def plan_runs(self) -> list[store.PlanRun]:
        """Every plan followed, oldest first (``calfkit plan start``)."""
        if not list(self._query("SELECT 1 FROM sqlite_master WHERE name = 'plans'")):
            return []  # a read-only log from before schema 3
        runs = []
        for row in self._query(f"SELECT {store.PLAN_COLUMNS} FROM plans ORDER BY id"):
            try:
                runs.append(store.plan_run_from_row(row))
            except (ValueError, TypeError):
                continue  # edited by hand into nonsense: as if never started
        return runs

    def active_plan(self) -> store.PlanRun | None:
        """The plan being followed, if any."""
        runs = [run for run in self.plan_runs() if run.stopped_at is None]
        return runs[-1] if runs else None

    def last_done(self, names: Iterable[str]) -> dict[str, datetime]:
        """When each routine was last finished (aware, UTC); names never finished are absent."""
        wanted = list(dict.fromkeys(names))
        found: dict[str, datetime] = {}
        # Chunks keep the statement under SQLite's limit on bound parameters.
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ", ".join("?" * len(chunk))
            for name, started_at in self._query(
                f"SELECT routine, max(started_at) FROM sessions"
                f" WHERE ended = 'finished' AND {NOT_PREVIEW_SQL} AND routine IN ({marks})"
                " GROUP BY routine",
                chunk,
            ):
                found[str(name)] = self._parse(started_at)
        return found

    def _week_bounds(self, moment: datetime) -> tuple[date, str, str]:
        """The Monday of the local week holding ``moment``, and the week's bounds as stored."""
        today = self.today(moment)
        monday = today - timedelta(days=today.weekday())
        start = self._midnight(monday)
        end = self._midnight(monday + timedelta(days=7))
        return monday, stamp(start), stamp(end)

    def _place_in_week(self, session: int) -> int:
        """Which session of its week ``session`` is (1 for the first), by start time, so
        sessions played at once each get their own place; 0 if it is not in the log."""
        found = list(self._query("SELECT started_at FROM sessions WHERE id = ?", (session,)))
        if not found:
            return 0
        started_at = str(found[0][0])
        _, start, end = self._week_bounds(self._parse(started_at))
        rows = list(
            self._query(
                "SELECT count(*) FROM sessions WHERE started_at >= ? AND started_at < ?"
                f" AND {NOT_PREVIEW_SQL} AND (started_at < ? OR (started_at = ? AND id <= ?))",
                (start, end, started_at, started_at, session),
            )
        )
        return int(str(rows[0][0])) if rows else 0

    def summary_line(
        self,
        now: datetime | None = None,
        *,
        session: int | None = None,
        rest: Callable[[date], bool] | None = None,
    ) -> str | None:
        """How a session compares: "3rd session this week · 5-day streak".

        ``session`` is the row id of the session just played: its place among the sessions
        of the week it started in. Without it, the latest session of the week holding
        ``now`` is meant.
        """
        now = store.utc_now() if now is None else now
        place = self.week_totals(now).sessions if session is None else self._place_in_week(session)
        if place == 0:
            return None
        parts = [f"{ordinal(place)} session this week"]
        streak = self.streak(self.today(now), rest=rest)
        if streak >= 2:
            parts.append(f"{streak}-day streak")
        return " · ".join(parts)


def last_done(
    names: Iterable[str],
    *,
    path: str | os.PathLike[str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, datetime]:
    """When each routine was last finished, for ``calfkit list``; ``{}`` if the log is
    missing or unreadable (a listing must never fail because of the history). An unreadable
    log is said through ``warn``, so that no one takes its empty answer for "never done"."""
    try:
        with History(path) as history:
            return history.last_done(names)
    except (HistoryError, OSError) as error:
        if warn is not None:
            text = (
                str(error) if isinstance(error, HistoryError) else f"cannot read history: {error}"
            )
            warn(text)
        return {}
