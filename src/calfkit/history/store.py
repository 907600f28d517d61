"""The practice log's store: the SQLite file, its schema and migrations, and opening it safely.

The log must never get in the way of a routine: a file that is not a database, is read-only
or is locked is reported as a :class:`~calfkit.errors.HistoryError`, and its callers carry on
without it. ``sqlite3`` is imported only when the log is used, so commands that never touch it
start fast. Every write is a method of :class:`Writer` here, with the schema it writes; the
questions people ask of the log are in :mod:`calfkit.history.queries`; the sink that records a
session as it plays (through a :class:`Writer`) is :class:`calfkit.sinks.history.HistorySink`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from time import monotonic, sleep
from typing import TYPE_CHECKING

from calfkit.errors import HistoryBusy as HistoryBusy
from calfkit.errors import HistoryError as HistoryError

if TYPE_CHECKING:
    import sqlite3

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
    # 2: 'skipped' (played to the end with most of it skipped: not practice); the top-level
    # step reached and how many there are (what a person reads off ``show``); a heartbeat
    # that a session still playing writes, so that it shows as in progress, not interrupted.
    # SQLite cannot change a CHECK in place: the table is rebuilt, rows and ids kept.
    (
        """
        CREATE TABLE sessions_v2 (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            routine TEXT NOT NULL,
            title TEXT NOT NULL,
            content_hash TEXT,
            planned_seconds REAL NOT NULL,
            played_seconds REAL NOT NULL DEFAULT 0,
            paused_seconds REAL NOT NULL DEFAULT 0,
            ended TEXT NOT NULL DEFAULT 'interrupted'
                CHECK (ended IN ('finished', 'skipped', 'stopped', 'interrupted')),
            end_step INTEGER NOT NULL DEFAULT 0,  -- the flat (timed) step reached
            steps_total INTEGER NOT NULL DEFAULT 0,
            sound TEXT NOT NULL,
            voice INTEGER NOT NULL,
            speed REAL NOT NULL DEFAULT 1,
            end_top INTEGER NOT NULL DEFAULT 0,    -- the top-level step reached; 0: unknown
            tops_total INTEGER NOT NULL DEFAULT 0, -- top-level steps; 0 in rows from schema 1
            heartbeat_at TEXT                      -- UTC; written while the session plays
        )
        """,
        "INSERT INTO sessions_v2 (id, started_at, ended_at, routine, title, content_hash,"
        " planned_seconds, played_seconds, paused_seconds, ended, end_step, steps_total, sound,"
        " voice, speed) SELECT id, started_at, ended_at, routine, title, content_hash,"
        " planned_seconds, played_seconds, paused_seconds, ended, end_step, steps_total, sound,"
        " voice, speed FROM sessions",
        "DROP TABLE sessions",
        "ALTER TABLE sessions_v2 RENAME TO sessions",
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
        "CREATE INDEX sessions_by_routine ON sessions (routine, started_at)",
    ),
    # 3: practice over weeks. A session stopped part-way can be resumed into its own row
    # (``play --resume``): ``parts`` counts the times it was played, ``step_hash`` fingerprints
    # the step it reached, so a routine edited since can still be resumed where that step is
    # unchanged. ``plans``: each ``calfkit plan start``, newest the one followed.
    (
        "ALTER TABLE sessions ADD COLUMN parts INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE sessions ADD COLUMN step_hash TEXT",
        """
        CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,                -- the plan's name (slug)
            title TEXT NOT NULL,
            path TEXT NOT NULL,                -- the plan file as found when started
            content_hash TEXT,
            started_on TEXT NOT NULL,          -- the local date its week 1 begins, YYYY-MM-DD
            started_at TEXT NOT NULL,          -- UTC: when `plan start` was run
            stopped_at TEXT                    -- UTC: when `plan stop` (or another start) ended it
        )
        """,
    ),
)

COLUMNS = (
    "id, started_at, ended_at, routine, title, content_hash, planned_seconds, played_seconds,"
    " paused_seconds, ended, end_step, steps_total, sound, voice, speed, end_top, tops_total,"
    " heartbeat_at, parts, step_hash"
)

# The preview rule, defined once: a session played faster than real time (``play --speed``
# above this) is a preview, kept in the log but counted for no week, streak or "last done".
PREVIEW_ABOVE_SPEED = 1.0
NOT_PREVIEW_SQL = f"speed <= {PREVIEW_ABOVE_SPEED}"


def is_preview(speed: float) -> bool:
    """Whether a session played at ``speed`` is a preview (see :data:`PREVIEW_ABOVE_SPEED`)."""
    return speed > PREVIEW_ABOVE_SPEED


# A session still playing writes its heartbeat this often; one whose heartbeat is older than
# HEARTBEAT_STALE_SECONDS (and that never ended) was killed, or its machine went down.
HEARTBEAT_SECONDS = 10.0
HEARTBEAT_STALE_SECONDS = 35.0


def schema_version() -> int:
    """The schema version this calfkit writes."""
    return len(MIGRATIONS)


class Ending(str, Enum):
    """How a session ended."""

    FINISHED = "finished"  # played to the end, most of it really played (Outcome.practised)
    SKIPPED = "skipped"  # played to the end with most of it skipped: not counted as practice
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


def stamp(moment: datetime) -> str:
    """A moment as stored: UTC, ISO 8601 to the second, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


# What :func:`reason` says of a log on a full disk (it can still be read, as it stands).
DISK_FULL = "cannot be written: its disk is full (or failing)"


def reason(error: BaseException) -> str:
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
    if "disk is full" in lowered or "disk i/o error" in lowered:
        return DISK_FULL
    if "locked" in lowered or "busy" in lowered:
        return "is locked by another program (another calfkit?)"
    if "unable to open" in lowered:
        return "cannot be opened"
    return f"cannot be used ({text or type(error).__name__})"


def connect(path: Path) -> sqlite3.Connection:
    import sqlite3

    # Not SQLite's "cannot rollback - no transaction is active" for CALFKIT_HISTORY=/dev/null,
    # nor its journal files left beside a device (/dev/null-journal): only a file will do.
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None  # not there yet (SQLite makes it), or SQLite says what is wrong
    if mode is not None and stat.S_ISDIR(mode):
        raise HistoryError("is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):
        raise HistoryError("is not a regular file (a device, a FIFO or a socket)")

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
        # SQLite has already rolled back a transaction that failed on a full disk or an I/O
        # error: a COMMIT then would only hide the real error behind "cannot commit - no
        # transaction is active".
        if connection.in_transaction:
            connection.execute("COMMIT")


def migrate(connection: sqlite3.Connection) -> None:
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
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def prepare(connection: sqlite3.Connection) -> None:
    # WAL: a writer never blocks readers, and a process killed mid-write leaves the
    # database intact (the unfinished transaction is simply not in it).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    migrate(connection)


def is_lock(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def patiently(write: Callable[[], object], patience: float) -> None:
    """Run ``write``, trying again for up to ``patience`` seconds while the log is locked."""
    import sqlite3

    deadline = monotonic() + patience
    while True:
        try:
            write()
            return
        except sqlite3.OperationalError as error:
            if not is_lock(error) or monotonic() >= deadline:
                raise
            sleep(0.01)


def _companions(path: Path) -> tuple[Path, ...]:
    """The log and the files SQLite keeps beside it in WAL mode."""
    return (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def read_only_part(path: Path) -> Path | None:
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


def check_writable(path: Path) -> None:
    part = read_only_part(path)
    if part is None:
        return
    if part == path:
        raise HistoryError("is read-only")
    raise HistoryError(f"is read-only (its companion file {part.name} is)")


def open_for_writing(path: Path) -> sqlite3.Connection:
    """Open (creating if need be) the log in WAL mode with an up-to-date schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    check_writable(path)
    connection = connect(path)
    # Switching a new file to WAL, or reading one another process is switching, can report
    # "locked" at once, without SQLite's busy wait; so wait here, as briefly.
    try:
        patiently(lambda: prepare(connection), BUSY_TIMEOUT_SECONDS)
    except BaseException:
        connection.close()
        raise
    return connection


# -- writing ------------------------------------------------------------------------------
# The rows as written. Each field is named after its column, so a new column that a session
# is written with is a field here plus its migration above; the SQL is built from the fields.


@dataclass(frozen=True)
class Begun:
    """A session's row as it begins. It is written marked *interrupted* (the column's
    default) and stays so until :meth:`Writer.end`, so a killed process leaves an honest row."""

    started_at: datetime
    routine: str  # the routine's name (slug)
    title: str
    content_hash: str | None
    planned_seconds: float
    steps_total: int  # flat (timed) steps
    tops_total: int  # top-level steps
    sound: str  # the sound back end in use
    voice: bool  # whether cues are spoken
    speed: float  # above PREVIEW_ABOVE_SPEED: a preview


@dataclass(frozen=True)
class Progress:
    """Where a session stands as a step begins: the time played so far and the step reached."""

    played_seconds: float
    paused_seconds: float
    end_step: int  # the flat (timed) step reached
    end_top: int  # the top-level step reached
    planned_seconds: float  # lowered when play starts part-way
    # The fingerprint of the step reached (calfkit.timeline.fingerprint), so that a session
    # stopped there can be resumed even after its routine file was edited elsewhere.
    step_hash: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Ended(Progress):
    """How a session came out: its last progress, when it ended and how."""

    ended_at: datetime
    ended: Ending


def _column_value(value: object) -> object:
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def _row(row: Begun | Progress) -> dict[str, object]:
    """A row dataclass as column names and the values stored for them."""
    return {field.name: _column_value(getattr(row, field.name)) for field in fields(row)}


def _update_sql(columns: dict[str, object]) -> str:
    return "UPDATE sessions SET " + ", ".join(f"{name} = ?" for name in columns)


class Writer:
    """Writes sessions' rows: the only code that changes the log.

    :meth:`open` makes the log ready (created, WAL, migrated) for the session being played;
    :meth:`attach` only connects, for a second thread writing the heartbeat of a row that is
    already there. Every write is its own short transaction, so each lands on disk at once.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, path: Path) -> Writer:
        return cls(open_for_writing(path))

    @classmethod
    def attach(cls, path: Path) -> Writer:
        return cls(connect(path))

    def close(self) -> None:
        self._connection.close()

    def begin(self, row: Begun) -> int:
        """Insert a session's row (marked *interrupted*); return its id."""
        columns = _row(row)
        columns["heartbeat_at"] = columns["started_at"]  # alive from the moment it is written
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        cursor = self._connection.execute(
            f"INSERT INTO sessions ({names}) VALUES ({marks})", tuple(columns.values())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def progress(self, session: int, row: Progress) -> None:
        """Say where ``session`` stands. A log locked by another calfkit this instant skips
        the write without a wait or a warning: the next step or the end writes it again."""
        import sqlite3

        columns = _row(row)
        try:
            self._connection.execute(
                _update_sql(columns) + " WHERE id = ?", (*columns.values(), session)
            )
        except sqlite3.OperationalError as error:
            if not is_lock(error):
                raise

    def end(self, session: int, row: Ended) -> None:
        """Complete ``session``'s row. The routine is over, so this write waits a little
        longer than the others for another calfkit to let go: it says how the session ended."""
        columns = _row(row)
        sql = _update_sql(columns) + " WHERE id = ?"
        parameters = (*columns.values(), session)
        patiently(lambda: self._connection.execute(sql, parameters), FINAL_WRITE_PATIENCE_SECONDS)

    def reopen(self, session: int, moment: datetime) -> None:
        """Take ``session`` up again (``play --resume``): one part more, in progress from
        ``moment``, and marked *interrupted* again until :meth:`end` says how this part ended,
        so a killed process still leaves an honest row."""
        patiently(
            lambda: self._connection.execute(
                "UPDATE sessions SET ended = 'interrupted', ended_at = NULL, heartbeat_at = ?,"
                " parts = parts + 1 WHERE id = ?",
                (stamp(moment), session),
            ),
            FINAL_WRITE_PATIENCE_SECONDS,
        )

    def beat(self, session: int, moment: datetime) -> None:
        """Mark ``session`` alive at ``moment`` (unless it has ended). A lock skips the beat."""
        import sqlite3

        try:
            self._connection.execute(
                "UPDATE sessions SET heartbeat_at = ? WHERE id = ? AND ended_at IS NULL",
                (stamp(moment), session),
            )
        except sqlite3.OperationalError as error:
            if not is_lock(error):
                raise


# -- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRun:
    """A plan as followed: started with ``calfkit plan start``, until stopped or replaced."""

    name: str
    title: str
    path: str
    content_hash: str | None
    started_on: date  # the local date week 1 begins
    started_at: datetime
    stopped_at: datetime | None = None


# calfkit.model's FIRST_DAY and LAST_DAY (the log imports nothing above errors and words;
# tests/history/test_queries.py checks they agree).
PLAN_FIRST_DAY = date(2000, 1, 1)
PLAN_LAST_DAY = date(2999, 12, 31)

PLAN_COLUMNS = "name, title, path, content_hash, started_on, started_at, stopped_at"


def plan_run_from_row(row: tuple[object, ...]) -> PlanRun:
    """A row of ``plans`` as read; ValueError for one edited into nonsense (a start day
    outside the days calfkit accepts included)."""
    name, title, path, content_hash, started_on, started_at, stopped_at = row
    day = date.fromisoformat(str(started_on))
    if not PLAN_FIRST_DAY <= day <= PLAN_LAST_DAY:
        raise ValueError(f"plan started on {day}, outside {PLAN_FIRST_DAY} to {PLAN_LAST_DAY}")
    return PlanRun(
        name=str(name),
        title=str(title),
        path=str(path),
        content_hash=None if content_hash is None else str(content_hash),
        started_on=day,
        started_at=parse_stamp(str(started_at)),
        stopped_at=None if stopped_at is None else parse_stamp(str(stopped_at)),
    )


def start_plan(path: Path, run: PlanRun) -> None:
    """Record ``run`` as the plan followed from now on, ending the one followed until now;
    one transaction, so a killed process leaves one plan followed, the old or the new."""
    connection = open_for_writing(path)
    try:

        def write() -> None:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(
                    "UPDATE plans SET stopped_at = ? WHERE stopped_at IS NULL",
                    (stamp(run.started_at),),
                )
                connection.execute(
                    f"INSERT INTO plans ({PLAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    (
                        run.name,
                        run.title,
                        run.path,
                        run.content_hash,
                        run.started_on.isoformat(),
                        stamp(run.started_at),
                    ),
                )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        patiently(write, FINAL_WRITE_PATIENCE_SECONDS)
    finally:
        connection.close()


def stop_plan(path: Path, moment: datetime) -> bool:
    """End the plan being followed; False if none was."""
    connection = open_for_writing(path)
    try:
        cursor = connection.execute(
            "UPDATE plans SET stopped_at = ? WHERE stopped_at IS NULL", (stamp(moment),)
        )
        return cursor.rowcount > 0
    finally:
        connection.close()
