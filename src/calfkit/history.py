"""The practice log: one SQLite row per session, and the questions people ask of it.

:class:`HistorySink` writes a row when a session starts (marked *interrupted*, so a killed
process still leaves an honest record) and completes it when the session ends.
:class:`History` answers the questions: recent sessions, this week's totals, the current
streak of days with a finished session, when each routine was last done.

The log must never get in the way of a routine: a file that is not a database, is read-only
or is locked gives one warning and the session plays without it. ``sqlite3`` is imported only
when the log is used, so commands that never touch it start fast.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum
from pathlib import Path
from time import monotonic, sleep
from typing import TYPE_CHECKING

from calfkit.errors import CalfkitError
from calfkit.events import Event, EventKind

if TYPE_CHECKING:
    import sqlite3
    from types import TracebackType

ENV_VAR = "CALFKIT_HISTORY"
FILE_NAME = "history.sqlite3"

# "calf" in ASCII: marks the file as calfkit's, so another program's database is never migrated.
APPLICATION_ID = 0x63616C66

# How long a write waits for another calfkit's write to finish. Writes take well under a
# millisecond, so this is generous for two sessions at once yet never stalls a routine.
BUSY_TIMEOUT_SECONDS = 0.25
FINAL_WRITE_PATIENCE_SECONDS = 1.0

# MIGRATIONS[i] takes the schema from version i to i + 1 (``PRAGMA user_version``). Append new
# steps; never edit one that has shipped. Each runs in one transaction with the version bump.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,          -- UTC, ISO 8601 to the second
            ended_at TEXT,                     -- UTC; stays NULL if the process was killed
            routine TEXT NOT NULL,             -- the routine's name (slug)
            title TEXT NOT NULL,
            content_hash TEXT,
            planned_seconds REAL NOT NULL,
            played_seconds REAL NOT NULL DEFAULT 0,
            paused_seconds REAL NOT NULL DEFAULT 0,
            ended TEXT NOT NULL DEFAULT 'interrupted'
                CHECK (ended IN ('finished', 'stopped', 'interrupted')),
            end_step INTEGER NOT NULL DEFAULT 0,
            steps_total INTEGER NOT NULL DEFAULT 0,
            sound TEXT NOT NULL,
            voice INTEGER NOT NULL,
            speed REAL NOT NULL DEFAULT 1      -- playback speed; above 1 is a preview
        )
        """,
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
        "CREATE INDEX sessions_by_routine ON sessions (routine, started_at)",
    ),
)

_COLUMNS = (
    "id, started_at, ended_at, routine, title, content_hash, planned_seconds, played_seconds,"
    " paused_seconds, ended, end_step, steps_total, sound, voice, speed"
)


def schema_version() -> int:
    """The schema version this calfkit writes."""
    return len(MIGRATIONS)


class HistoryError(CalfkitError):
    """The history file cannot be read or written (not a database, read-only, locked, newer)."""


class HistoryBusy(HistoryError):
    """The history file is locked by another program this moment; trying again later helps."""


class Ending(str, Enum):
    """How a session ended."""

    FINISHED = "finished"  # played to the end
    STOPPED = "stopped"  # the person stopped it (``q``)
    INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM, an error, or the process was killed


def history_path() -> Path:
    """Where the log lives: ``$CALFKIT_HISTORY``, else the platform's user data folder."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("calfkit", appauthor=False)) / FILE_NAME


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the one place the log reads the wall clock)."""
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    """A moment as stored: UTC, ISO 8601 to the second, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def _reason(error: BaseException) -> str:
    """Say in a few words why the file could not be used."""
    text = str(error)
    if isinstance(error, HistoryError):
        return text  # already said in calfkit's own words
    lowered = text.lower()
    if "not a database" in lowered:
        return "is not a SQLite database"
    if "malformed" in lowered:
        return "is damaged (SQLite: database disk image is malformed)"
    if "readonly" in lowered or "read-only" in lowered:
        return "is read-only"
    if "locked" in lowered or "busy" in lowered:
        return "is locked by another program (another calfkit?)"
    if "unable to open" in lowered:
        return "cannot be opened"
    return f"cannot be used ({text or type(error).__name__})"


def _connect(path: Path) -> sqlite3.Connection:
    import sqlite3

    # Autocommit (isolation_level=None): every write is its own short transaction unless we
    # open one, so rows land on disk at once and no lock is held between events.
    connection = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    return connection


def _check_owner(connection: sqlite3.Connection) -> int:
    """Return the file's schema version, refusing files that are not calfkit's or are newer."""
    app_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if app_id not in (0, APPLICATION_ID):
        raise HistoryError("is another program's database, not calfkit's history")
    if app_id == 0:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise HistoryError("is a SQLite database, but not calfkit's history")
    if version > schema_version():
        raise HistoryError(
            f"was written by a newer calfkit (history schema {version}; "
            f"this one knows {schema_version()})"
        )
    return version


def _current_version(connection: sqlite3.Connection) -> int:
    # One read transaction, so the checks see one state of a file another calfkit may be
    # creating at this very moment.
    connection.execute("BEGIN")
    try:
        return _check_owner(connection)
    finally:
        connection.execute("COMMIT")


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to date, safely against another calfkit doing the same."""
    if _current_version(connection) == schema_version():
        return
    # IMMEDIATE takes the write lock first, so two processes opening a fresh file cannot
    # both create the table; the loser re-reads the version inside the lock.
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _check_owner(connection)
        for target, steps in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in steps:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {target}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _prepare(connection: sqlite3.Connection) -> None:
    # WAL: a writer never blocks readers, and a process killed mid-write leaves the
    # database intact (the unfinished transaction is simply not in it).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    _migrate(connection)


def _is_lock(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _patiently(write: Callable[[], object], patience: float) -> None:
    """Run ``write``, trying again for up to ``patience`` seconds while the log is locked."""
    import sqlite3

    deadline = monotonic() + patience
    while True:
        try:
            write()
            return
        except sqlite3.OperationalError as error:
            if not _is_lock(error) or monotonic() >= deadline:
                raise
            sleep(0.01)


def _companions(path: Path) -> tuple[Path, ...]:
    """The log and the files SQLite keeps beside it in WAL mode."""
    return (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def _read_only_part(path: Path) -> Path | None:
    """The first of the log's files that exists and cannot be opened for writing, if any.

    Asked before SQLite opens anything: given a file it may not write, SQLite still creates
    the WAL companions beside it, with the same read-only modes, and they would keep the log
    unwritable after the person has made the log itself writable again.
    """
    for part in _companions(path):
        try:
            descriptor = os.open(part, os.O_RDWR | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            return None  # not a read-only problem; SQLite says what it is
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                return part
            return None
        os.close(descriptor)
    return None


def _check_writable(path: Path) -> None:
    part = _read_only_part(path)
    if part is None:
        return
    if part == path:
        raise HistoryError("is read-only")
    raise HistoryError(f"is read-only (its companion file {part.name} is)")


def open_for_writing(path: Path) -> sqlite3.Connection:
    """Open (creating if need be) the log in WAL mode with an up-to-date schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _check_writable(path)
    connection = _connect(path)
    # Switching a new file to WAL, or reading one another process is switching, can report
    # "locked" at once, without SQLite's busy wait; so wait here, as briefly.
    try:
        _patiently(lambda: _prepare(connection), BUSY_TIMEOUT_SECONDS)
    except BaseException:
        connection.close()
        raise
    return connection


def ordinal(number: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def format_duration(seconds: float) -> str:
    """Whole seconds as "m:ss", or "h:mm:ss" from an hour up."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


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

    @property
    def preview(self) -> bool:
        """Played faster than real time (``play --speed``): not practice, so it counts for no
        week total, streak or "last done"."""
        return self.speed > 1.0

    def outcome(self) -> str:
        """How it ended, in words: "finished", "stopped at step 4 of 12"."""
        if self.ended is Ending.FINISHED:
            text = "finished"
        elif self.end_step <= 0:
            text = f"{self.ended.value} before the first step"
        else:
            text = f"{self.ended.value} at step {self.end_step} of {self.steps_total}"
        if self.preview:
            text += f" ({self.speed:g}x preview)"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": _stamp(self.started_at),
            "ended_at": None if self.ended_at is None else _stamp(self.ended_at),
            "routine": self.routine,
            "title": self.title,
            "content_hash": self.content_hash,
            "planned_seconds": self.planned_seconds,
            "played_seconds": self.played_seconds,
            "paused_seconds": self.paused_seconds,
            "ended": self.ended.value,
            "end_step": self.end_step,
            "steps_total": self.steps_total,
            "sound": self.sound,
            "voice": self.voice,
            "speed": self.speed,
        }

    @classmethod
    def from_row(cls, row: tuple[object, ...]) -> Session:
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
        ) = row
        return cls(
            id=int(str(id_)),
            started_at=_parse_stamp(str(started_at)),
            ended_at=None if ended_at is None else _parse_stamp(str(ended_at)),
            routine=str(routine),
            title=str(title),
            content_hash=None if content_hash is None else str(content_hash),
            planned_seconds=float(str(planned)),
            played_seconds=float(str(played)),
            paused_seconds=float(str(paused)),
            ended=Ending(str(ended)),
            end_step=int(str(end_step)),
            steps_total=int(str(steps_total)),
            sound=str(sound),
            voice=bool(voice),
            speed=float(str(speed)),
        )


@dataclass(frozen=True)
class WeekTotals:
    """Sessions in the local calendar week (Monday to Sunday) that holds a moment,
    previews left out."""

    start: date  # the Monday
    sessions: int
    finished: int
    played_seconds: float


class History:
    """Read access to the log. A missing file is an empty history, and is not created.

    ``tz`` is the zone whose calendar days count for weeks and streaks (default: this
    machine's local zone); tests pass one.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, tz: tzinfo | None = None):
        self.path = history_path() if path is None else Path(path)
        self._tz = tz
        self._connection: sqlite3.Connection | None = None
        if self.path.exists():
            import sqlite3

            if _read_only_part(self.path) is not None:
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
                if _reason(error) not in ("is read-only", "cannot be opened"):
                    raise self._unreadable(error) from None
                # A log in a folder we cannot write to: SQLite cannot make its lock files
                # there, so read the file as it stands (nobody can be writing to it either).
                try:
                    self._connection = self._open(read_only=True)
                except sqlite3.Error:
                    raise self._unreadable(error) from None

    def _unreadable(self, error: BaseException) -> HistoryError:
        kind = HistoryBusy if _is_lock(error) else HistoryError
        return kind(f"cannot read history: {self.path} {_reason(error)}")

    def _open(self, *, read_only: bool = False) -> sqlite3.Connection:
        import sqlite3

        if read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            connection = _connect(self.path)
        try:
            _migrate(connection)
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
        return self.local(utc_now() if now is None else now).date()

    # -- questions -----------------------------------------------------------------------

    def sessions(self, limit: int | None = 20, routine: str | None = None) -> list[Session]:
        """The most recent sessions, newest first; only ``routine``'s if given."""
        sql = f"SELECT {_COLUMNS} FROM sessions"
        parameters: list[object] = []
        if routine is not None:
            sql += " WHERE routine = ?"
            parameters.append(routine)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        return [self._session(row) for row in self._query(sql, parameters)]

    def _session(self, row: tuple[object, ...]) -> Session:
        try:
            return Session.from_row(row)
        except (ValueError, TypeError):
            raise self._damaged(f"session (id {row[0]})") from None

    def _parse(self, stamp: object) -> datetime:
        try:
            return _parse_stamp(str(stamp))
        except ValueError:
            raise self._damaged(f"session start time {str(stamp)!r}") from None

    def _damaged(self, what: str) -> HistoryError:
        # A row edited by hand (the log is an ordinary SQLite file) must not crash a command.
        return HistoryError(f"cannot read history: {self.path} has a {what} calfkit cannot read")

    def week_totals(self, now: datetime | None = None) -> WeekTotals:
        """Totals for the local week (Monday first) that holds ``now``."""
        monday, start, end = self._week_bounds(utc_now() if now is None else now)
        rows = list(
            self._query(
                "SELECT count(*), coalesce(sum(ended = 'finished'), 0),"
                " coalesce(sum(played_seconds), 0)"
                " FROM sessions WHERE started_at >= ? AND started_at < ? AND speed <= 1",
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

    def streak(self, today: date | None = None) -> int:
        """Consecutive local days, up to today, each with at least one finished session.

        A day not yet practised does not break the streak: if today has no finished
        session, the streak that ran up to yesterday still stands.
        """
        today = self.today() if today is None else today
        end = _stamp(self._midnight(today + timedelta(days=1)))
        rows = self._query(
            "SELECT started_at FROM sessions"
            " WHERE ended = 'finished' AND speed <= 1 AND started_at < ?"
            " ORDER BY started_at DESC",
            (end,),
        )
        expected = today
        streak = 0
        for (started_at,) in rows:
            day = self.local(self._parse(started_at)).date()
            if day > expected:
                continue  # a second session on a day already counted
            if day == expected:
                streak += 1
                expected = day - timedelta(days=1)
            elif streak == 0 and day == today - timedelta(days=1):
                streak = 1
                expected = day - timedelta(days=1)
            else:
                break
        return streak

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
                f" WHERE ended = 'finished' AND speed <= 1 AND routine IN ({marks})"
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
        return monday, _stamp(start), _stamp(end)

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
                " AND speed <= 1 AND (started_at < ? OR (started_at = ? AND id <= ?))",
                (start, end, started_at, started_at, session),
            )
        )
        return int(str(rows[0][0])) if rows else 0

    def summary_line(
        self, now: datetime | None = None, *, session: int | None = None
    ) -> str | None:
        """How a session compares: "3rd session this week · 5-day streak".

        ``session`` is the row id of the session just played: its place among the sessions
        of the week it started in. Without it, the latest session of the week holding
        ``now`` is meant.
        """
        now = utc_now() if now is None else now
        place = self.week_totals(now).sessions if session is None else self._place_in_week(session)
        if place == 0:
            return None
        parts = [f"{ordinal(place)} session this week"]
        streak = self.streak(self.today(now))
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


def describe_when(moment: datetime, today: date, tz: tzinfo | None = None) -> str:
    """A past moment as a person says it: "today", "yesterday", "3 days ago", "2024-05-01"."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    days = (today - local.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return local.date().isoformat()


class HistorySink:
    """Records the session being played (an events.Sink).

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
        self._now = utc_now if now is None else now
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
        self._warn(f"history: {doing} this session: {self.path} {_reason(error)}")

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
                _stamp(self._now()),
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
            if not _is_lock(error):
                raise
            # Another calfkit holds the log this instant: the next step or the end writes
            # the same figures, so this one is not worth a warning or a wait.

    def _finish(self, event: Event) -> None:
        from calfkit.engine import Status

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
            _stamp(self._now()),
            played,
            paused,
            ending.value,
            step,
            self._planned,
            self.session_id,
        )
        # The routine is over, so the last write may wait a little longer than the others
        # for another calfkit to let go: it is the one that says how the session ended.
        _patiently(
            lambda: connection.execute(
                "UPDATE sessions SET ended_at = ?, played_seconds = ?, paused_seconds = ?,"
                " ended = ?, end_step = ?, planned_seconds = ? WHERE id = ?",
                parameters,
            ),
            FINAL_WRITE_PATIENCE_SECONDS,
        )
        self.ended = ending
        self.close()
