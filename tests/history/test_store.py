"""The store: the log's writes are :class:`~calfkit.history.store.Writer`'s methods, and each
field of a row dataclass lands in the column of its name."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from calfkit.history.store import Begun, Ended, Ending, Progress, Writer

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
    with sqlite3.connect(path) as connection:
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
