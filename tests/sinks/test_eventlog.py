"""The event log: JSON Lines as cli.md describes, flushed per line, readable back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calfkit.model import Breathe, Count, Hold, Routine
from calfkit.player.events import Command, Event, EventKind
from calfkit.sinks.eventlog import EventLogSink
from calfkit.testing import RecordingSink, play_fast
from calfkit.timeline import compile_routine

TIMELINE = compile_routine(
    Routine(
        name="log-me",
        title="Log me",
        steps=(
            Hold(text="Hold “still”", duration=3),
            Count(count=2, every=2),
            Breathe(breaths=1, inhale=1, exhale=1),
        ),
    )
)


def read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_log_reads_back_as_one_object_per_event(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    played = play_fast(
        TIMELINE,
        sinks=[EventLogSink(log)],
        lead_in=1,
        keys=[(2.0, Command.PAUSE), (3.5, Command.PAUSE)],
    )
    records = read(log)
    assert [(r["event"], r["step"], r["scheduled"]) for r in records] == [
        ("start", 0, 0.0),
        ("lead_in", 0, 0.0),
        ("step", 1, 1.0),
        ("countdown", 1, 1.0),
        ("countdown", 1, 2.0),
        ("pause", 1, 2.0),
        ("resume", 1, 3.5),
        ("countdown", 1, 4.5),
        ("step", 2, 5.5),
        ("count", 2, 5.5),
        ("count", 2, 7.5),
        ("step", 3, 9.5),
        ("breath", 3, 9.5),
        ("breath", 3, 10.5),
        ("finish", 3, 11.5),
    ]
    assert records[0] == {
        "event": "start",
        "step": 0,
        "top_step": 0,
        "scheduled": 0.0,
        "actual": 0.0,
        "wall": records[0]["wall"],
        "ends_in": 9.0,
        "routine": "log-me",
        "title": "Log me",
        "steps": 3,
        "total": 9.0,
    }
    # A new step says its top-level step, where it stands and what comes next.
    assert {k: records[2][k] for k in ("step", "top_step", "next", "ends_in")} == {
        "step": 1,
        "top_step": 1,
        "next": records[8]["text"],
        "ends_in": 9.0,
    }
    assert records[11]["next"] is None  # the last step
    assert records[2]["text"] == "Hold “still”"
    assert {k: records[3][k] for k in ("number", "of")} == {"number": 3, "of": 3}
    assert [(r["number"], r["of"], r["phase"]) for r in records if r["event"] == "breath"] == [
        (1, 1, "inhale"),
        (1, 1, "exhale"),
    ]
    logged = [e for e in played.events if e.kind is not EventKind.TICK]
    assert [r["wall"] for r in records] == [round(e.wall, 6) for e in logged]
    assert all(r["actual"] == r["scheduled"] for r in records)


def test_ticks_are_left_out_unless_asked_for(tmp_path: Path) -> None:
    without, with_ticks = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    played = play_fast(
        TIMELINE, sinks=[EventLogSink(without), EventLogSink(with_ticks, ticks=True)]
    )
    assert "tick" not in {r["event"] for r in read(without)}
    ticks = [r for r in read(with_ticks) if r["event"] == "tick"]
    assert [(r["scheduled"], r["number"]) for r in ticks] == [
        (e.scheduled, e.number) for e in played.sink.of(EventKind.TICK)
    ]


def test_each_line_is_in_the_file_as_soon_as_its_event_fires(tmp_path: Path) -> None:
    log = tmp_path / "live.jsonl"

    class Follower(RecordingSink):
        """Reads the log from outside after every event, as another program would."""

        def __init__(self) -> None:
            super().__init__()
            self.seen: list[int] = []

        def handle(self, event: Event) -> None:
            super().handle(event)
            with open(log, encoding="utf-8") as follow:
                text = follow.read()
            assert text.endswith("\n") or text == ""
            self.seen.append(len(text.splitlines()))

    follower = Follower()
    play_fast(TIMELINE, sinks=[EventLogSink(log), follower])
    expected = 0
    for event, lines in zip(follower.events, follower.seen, strict=True):
        expected += event.kind is not EventKind.TICK
        assert lines == expected


def test_a_stopped_session_ends_with_its_reason(tmp_path: Path) -> None:
    log = tmp_path / "stop.jsonl"
    play_fast(TIMELINE, sinks=[EventLogSink(log)], keys=[(4.25, Command.QUIT)])
    assert read(log)[-1] | {"wall": 0} == {
        "event": "stop",
        "step": 2,
        "top_step": 2,
        "ends_in": 4.75,
        "text": "quit",
        "scheduled": 4.25,
        "actual": 4.25,
        "wall": 0,
    }


def test_the_file_is_closed_with_the_session(tmp_path: Path) -> None:
    sink = EventLogSink(tmp_path / "c.jsonl")
    play_fast(TIMELINE, sinks=[sink])
    written = (tmp_path / "c.jsonl").read_text()
    # A phrase that ends after the session (speech tells its events from its own thread)
    # finds the file closed: it is left out, not an error.
    sink.handle(play_fast(TIMELINE).events[0])
    assert (tmp_path / "c.jsonl").read_text() == written


def test_an_unwritable_path_fails_before_playing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        EventLogSink(tmp_path / "missing" / "dir" / "log.jsonl")


def test_a_full_disk_ends_the_log_on_a_whole_line_with_one_warning_or_raises_without_warn(
    tmp_path: Path,
) -> None:
    from calfkit.sinks.eventlog import EventLogError
    from tests.fulldisk import fill, tiny_disk

    with tiny_disk(tmp_path / "disk") as disk:
        fill(disk, leave=4096)
        warned: list[str] = []
        sink = EventLogSink(disk / "log.jsonl", warn=warned.append)
        record = {"event": "count", "text": "x" * 300}
        for _ in range(100):  # 30 kB: more than there is room for
            sink.write_record(record)
        sink.close()
        assert warned == [
            f"event log: stopped writing {disk / 'log.jsonl'}: No space left on device; "
            "the session plays on"
        ]
        assert (
            sink.failed
            == f"cannot write the event log {disk / 'log.jsonl'}: No space left on device"
        )
        lines = (disk / "log.jsonl").read_text().splitlines()
        assert 0 < len(lines) < 100 and all(json.loads(line) == record for line in lines)
        (disk / "log.jsonl").unlink()
        (disk / ".filler").unlink()
        fill(disk, leave=4096)
        loud = EventLogSink(disk / "log.jsonl")  # export's: it has no session to keep going
        with pytest.raises(EventLogError, match="No space left on device"):
            for _ in range(100):
                loud.write_record(record)
        loud.close()
