"""The store: the log's writes are :class:`~calfkit.history.store.Writer`'s methods, and each
field of a row dataclass lands in the column of its name."""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import closing
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

import pytest

from calfkit.history import (
    APPLICATION_ID,
    Ending,
    History,
    HistoryError,
    history_path,
)
from calfkit.history import store as history_module
from calfkit.history.store import Begun, Ended, Progress, Writer
from tests.history.sessions import record, rows
from tests.program import calfkit

UTC = timezone.utc


def begun() -> Begun:
    return Begun(
        started_at=datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC),
        routine="calf-release",
        title="Calf Release",
        content_hash="abc",
        planned_seconds=120.0,
        steps_total=4,
        tops_total=3,
        sound="alsa",
        voice=True,
        speed=1.0,
    )


def read_row(path: Path, session: int) -> dict[str, object]:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM sessions WHERE id = ?", (session,)).fetchone()
    return dict(row)


def test_a_begun_row_is_written_interrupted_and_alive_with_every_field_in_its_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    writer = Writer.open(path)
    session = writer.begin(begun())
    writer.close()
    row = read_row(path, session)
    assert {field.name for field in fields(Begun)} <= set(row)
    assert row["started_at"] == "2026-03-02T08:00:00+00:00"
    assert row["heartbeat_at"] == "2026-03-02T08:00:00+00:00"
    assert (row["routine"], row["title"], row["content_hash"]) == (
        "calf-release",
        "Calf Release",
        "abc",
    )
    assert (row["planned_seconds"], row["steps_total"], row["tops_total"]) == (120.0, 4, 3)
    assert (row["sound"], row["voice"], row["speed"]) == ("alsa", 1, 1.0)
    assert row["ended"] == "interrupted"
    assert row["ended_at"] is None


def test_progress_then_end_complete_the_row_and_a_beat_after_the_end_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    writer = Writer.open(path)
    session = writer.begin(begun())
    writer.progress(session, Progress(30.0, 2.0, end_step=2, end_top=1, planned_seconds=100.0))
    assert read_row(path, session)["end_step"] == 2
    ended_at = datetime(2026, 3, 2, 8, 2, 5, tzinfo=UTC)
    writer.end(
        session,
        Ended(118.0, 4.0, end_step=4, end_top=3, planned_seconds=100.0, ended_at=ended_at,
              ended=Ending.FINISHED),
    )  # fmt: skip
    writer.beat(session, datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC))
    writer.close()
    row = read_row(path, session)
    assert row["ended"] == "finished"
    assert row["ended_at"] == "2026-03-02T08:02:05+00:00"
    assert (row["played_seconds"], row["paused_seconds"]) == (118.0, 4.0)
    assert (row["end_step"], row["end_top"], row["planned_seconds"]) == (4, 3, 100.0)
    assert row["heartbeat_at"] == "2026-03-02T08:00:00+00:00"


def test_a_beat_marks_a_row_still_playing_alive(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    writer = Writer.open(path)
    session = writer.begin(begun())
    beating = Writer.attach(path)
    beating.beat(session, datetime(2026, 3, 2, 8, 0, 10, tzinfo=UTC))
    beating.close()
    writer.close()
    assert read_row(path, session)["heartbeat_at"] == "2026-03-02T08:00:10+00:00"


FAST = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-voice")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_a_history_path_that_is_not_a_file_is_named_as_such_and_left_alone(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "history.fifo"  # as CALFKIT_HISTORY=/dev/null would be
    os.mkfifo(fifo)
    env = {"CALFKIT_HISTORY": str(fifo)}
    played = calfkit(tmp_path, "play", "calf-release-walk", *FAST, **env)
    assert played.returncode == 0
    assert played.stderr == (
        f"history: not recording this session: {fifo} is not a regular file "
        "(a device, a FIFO or a socket)\n"
    )
    shown = calfkit(tmp_path, "history", **env)
    assert shown.returncode == 1
    assert shown.stderr.startswith(f"calfkit: error: cannot read history: {fifo} is not a regular")
    # SQLite was never let near it: no journal or WAL files beside it.
    assert sorted(path.name for path in tmp_path.iterdir() if "history" in path.name) == [
        "history.fifo"
    ]


def test_the_log_is_created_with_its_folders_in_wal_mode_and_marked_as_calfkits(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep" / "er" / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
    finally:
        connection.close()


def test_the_path_comes_from_calfkit_history_else_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "mine.db"))
    assert history_path() == tmp_path / "mine.db"
    monkeypatch.delenv("CALFKIT_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert history_path() == tmp_path / "data" / "calfkit" / "history.sqlite3"


def test_an_empty_file_is_given_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"")
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    assert len(rows(path)) == 1


def test_an_older_log_is_migrated_keeping_its_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC), routine="old-one")
    version_two = (
        "ALTER TABLE sessions ADD COLUMN felt INTEGER",
        "CREATE TABLE notes (session INTEGER REFERENCES sessions (id), text TEXT)",
    )
    monkeypatch.setattr(history_module, "MIGRATIONS", (*history_module.MIGRATIONS, version_two))

    record(path, datetime(2026, 1, 2, tzinfo=UTC), routine="new-one")

    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 4
        assert connection.execute("SELECT routine, felt FROM sessions ORDER BY id").fetchall() == [
            ("old-one", None),
            ("new-one", None),
        ]
        assert connection.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    finally:
        connection.close()
    with History(path) as history:
        assert [s.routine for s in history.sessions()] == ["new-one", "old-one"]


def test_a_failing_migration_leaves_the_log_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    broken = ("ALTER TABLE sessions ADD COLUMN felt INTEGER", "THIS IS NOT SQL")
    monkeypatch.setattr(history_module, "MIGRATIONS", (*history_module.MIGRATIONS, broken))
    with pytest.raises(HistoryError):
        History(path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
        columns = [r[1] for r in connection.execute("PRAGMA table_info(sessions)")]
        assert "felt" not in columns
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
