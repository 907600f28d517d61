"""The practice log's sink: rows written at start and completed at end, bad files never stop
a routine, sessions played by the real engine, and real processes (killed, or two at once)
against real SQLite files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time as time_module
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from calfkit.history import (
    Ending,
    History,
)
from calfkit.history import store as history_module
from calfkit.history.queries import Session
from calfkit.model import Do, Hold, Prepare, Repeat, Routine
from calfkit.player.events import Command, Event, EventKind, Outcome, Status
from calfkit.sinks.history import HistorySink
from calfkit.testing import RecordingSink, play_fast
from calfkit.timeline import Timeline, compile_routine
from tests.history.sessions import (
    Warnings,
    ev,
    make_timeline,
    play_through,
    record,
    rows,
    step_events,
)
from tests.privileges import without_root_powers

UTC = timezone.utc


# -- helpers -----------------------------------------------------------------------------


# -- the sink ----------------------------------------------------------------------------


def test_start_writes_an_interrupted_row_that_finish_completes(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    started = datetime(2026, 11, 21, 12, 0, 5, tzinfo=UTC)
    clock = iter([started, started + timedelta(seconds=123)])
    sink = HistorySink("simpleaudio", True, Warnings(), path=path, now=lambda: next(clock))

    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    (row,) = rows(path)
    assert dict(row) == {
        "id": 1,
        "started_at": "2026-11-21T12:00:05+00:00",
        "ended_at": None,
        "routine": "calf-release",
        "title": "Calf Release",
        "content_hash": "hash-of-calf-release",
        "planned_seconds": 120.0,
        "played_seconds": 0.0,
        "paused_seconds": 0.0,
        "ended": "interrupted",
        "end_step": 0,
        "steps_total": 4,
        "sound": "simpleaudio",
        "voice": 1,
        "speed": 1.0,
        "end_top": 0,
        "tops_total": 4,
        "heartbeat_at": "2026-11-21T12:00:05+00:00",
        "parts": 1,
        "step_hash": None,
    }

    for event in step_events(timeline, lead_in=3.0):
        sink.handle(event)
    sink.handle(ev(EventKind.FINISH, 123.0, step=4, played=120.0))
    sink.close()

    (row,) = rows(path)
    assert row["ended"] == "finished"
    assert row["ended_at"] == "2026-11-21T12:02:08+00:00"
    assert row["end_step"] == 4
    assert row["played_seconds"] == 120.0  # the 3 s lead-in is not played time
    assert row["paused_seconds"] == 0.0
    assert sink.ended is Ending.FINISHED
    assert sink.session_id == 1


def test_each_new_step_is_written_so_a_killed_session_shows_where_it_was(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    sink = HistorySink("bell", False, Warnings(), path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, upto=3):
        sink.handle(event)
    (row,) = rows(path)
    assert (row["ended"], row["end_step"], row["played_seconds"]) == ("interrupted", 3, 60.0)
    sink.close()  # closed without FINISH/STOP: the row stays interrupted
    assert rows(path)[0]["ended"] == "interrupted"


@pytest.mark.parametrize(
    ("why", "ended"),
    [
        ("quit", "stopped"),
        ("interrupted", "interrupted"),
        ("terminated", "interrupted"),
        ("error", "interrupted"),
    ],
)
def test_stop_records_how_and_where_the_session_ended(tmp_path: Path, why: str, ended: str) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=12, seconds=10)
    sink = HistorySink("off", False, Warnings(), path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, upto=4):
        sink.handle(event)
    sink.handle(ev(EventKind.STOP, 35.0, step=4, text=why))
    (row,) = rows(path)
    assert (row["ended"], row["end_step"], row["steps_total"]) == (ended, 4, 12)
    assert row["played_seconds"] == 35.0
    assert row["ended_at"] is not None
    with History(path) as history:
        (session,) = history.sessions()
    assert session.outcome() == f"{ended} at step 4 of 12"


@pytest.mark.skipif(sys.platform == "win32", reason="Windows does not delete an open file")
@pytest.mark.parametrize("removed", ["the file", "its folder"])
def test_a_log_removed_mid_session_gets_this_session_written_again_with_one_warning(
    tmp_path: Path, removed: str
) -> None:
    path = tmp_path / "data" / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    warnings = Warnings()
    sink = HistorySink("bell", False, warnings, path=path, heartbeat=0.01)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    events = step_events(timeline)
    sink.handle(events[0])
    time_module.sleep(0.05)  # the heartbeat's own connection is open too
    if removed == "the file":
        path.unlink()
    else:
        for leftover in path.parent.iterdir():
            leftover.unlink()
        path.parent.rmdir()
    for event in events[1:]:
        sink.handle(event)
    sink.handle(ev(EventKind.FINISH, 120.0, step=4, played=120.0))
    sink.close()

    (row,) = rows(path)
    assert (row["ended"], row["end_step"], row["played_seconds"]) == ("finished", 4, 120.0)
    assert (row["routine"], row["planned_seconds"], row["steps_total"]) == (
        "calf-release",
        120.0,
        4,
    )
    assert len(warnings.lines) == 1
    assert "was removed or replaced while this session played" in warnings.lines[0]
    assert str(path.name) in warnings.lines[0]


def test_a_log_left_in_place_is_never_written_twice(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    warnings = Warnings()
    sink = HistorySink("bell", False, warnings, path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline):
        sink.handle(event)
    sink.handle(ev(EventKind.FINISH, 120.0, step=4, played=120.0))
    sink.close()
    assert [row["ended"] for row in rows(path)] == ["finished"]
    assert warnings.lines == []


def test_progress_between_steps_is_the_figures_the_events_carry(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=2, seconds=30)
    sink = HistorySink("bell", False, Warnings(), path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    first, second = step_events(timeline)
    sink.handle(first)
    # The player counts played and paused time; the sink writes what it says.
    sink.handle(ev(EventKind.STEP, 37.0, step=2, segment=second.segment, played=22.0, paused=15.0))
    (row,) = rows(path)
    assert (row["played_seconds"], row["paused_seconds"], row["end_step"]) == (22.0, 15.0, 2)
    sink.close()


@pytest.mark.parametrize(
    ("status", "ended"),
    [
        (Status.FINISHED, "finished"),
        (Status.STOPPED, "stopped"),
        (Status.INTERRUPTED, "interrupted"),
        (Status.TERMINATED, "interrupted"),
        (Status.ERROR, "interrupted"),
    ],
)
def test_the_end_takes_the_figures_the_player_attached_to_the_final_event(
    tmp_path: Path, status: Status, ended: str
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    sink = HistorySink("bell", False, Warnings(), path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, lead_in=3.0, upto=2):
        sink.handle(event)
    assert rows(path)[0]["played_seconds"] == 30.0  # between steps: as the events tell it
    # The player's count, which these hand-made events would not give (lead-in left out).
    outcome = Outcome(
        status, 3, 4, 2, 0, 68.0, 9.0, lead_in_seconds=2.0, planned_seconds=120.0,
        done_seconds=90.0,
    )  # fmt: skip
    kind = EventKind.FINISH if status is Status.FINISHED else EventKind.STOP
    sink.handle(ev(kind, 79.0, step=2, text="x", outcome=outcome))
    (row,) = rows(path)
    assert (row["ended"], row["end_step"]) == (ended, 3)
    assert (row["played_seconds"], row["paused_seconds"]) == (68.0, 9.0)
    assert row["ended_at"] is not None


def test_a_session_started_part_way_plans_only_what_lies_ahead(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    sink = HistorySink("bell", False, Warnings(), path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    third = timeline.segments[2]
    sink.handle(ev(EventKind.STEP, 0.0, step=3, segment=third))
    sink.close()
    assert rows(path)[0]["planned_seconds"] == 60.0


# -- bad files never stop a routine ------------------------------------------------------


def test_a_file_that_is_not_a_database_gives_one_warning_and_is_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    junk = b"these are my notes, not a database\n" * 20
    path.write_bytes(junk)
    warnings = Warnings()
    sink = HistorySink("bell", False, warnings, path=path)
    play_through(sink, make_timeline())
    assert warnings.lines == [
        f"history: not recording this session: {path} is not a SQLite database"
    ]
    assert sink.off
    assert sink.summary_line() is None
    assert path.read_bytes() == junk


def test_another_programs_database_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    warnings = Warnings()
    play_through(HistorySink("bell", False, warnings, path=path), make_timeline())
    assert warnings.lines == [
        f"history: not recording this session: {path} is a SQLite database,"
        " but not calfkit's history"
    ]
    connection = sqlite3.connect(path)
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master")]
    connection.close()
    assert tables == ["recipes"]


def test_a_log_from_a_newer_calfkit_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 7")
    connection.close()
    warnings = Warnings()
    play_through(HistorySink("bell", False, warnings, path=path), make_timeline())
    assert warnings.lines == [
        f"history: not recording this session: {path} was written by a newer calfkit"
        " (history schema 7; this one knows 3)"
    ]
    assert len(rows(path)) == 1


def test_a_log_locked_by_another_calfkit_gives_one_warning_without_stalling(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        warnings = Warnings()
        began = time_module.monotonic()
        play_through(HistorySink("bell", False, warnings, path=path), make_timeline())
        took = time_module.monotonic() - began
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert warnings.lines == [
        f"history: not recording this session: {path} is locked by another program"
        " (another calfkit?)"
    ]
    assert took < 2.0
    assert len(rows(path)) == 1


READ_ONLY_SCRIPT = """
import sys
from calfkit.player.events import Outcome, Status
from calfkit.player.events import Command, Event, EventKind
from calfkit.sinks.history import HistorySink
from calfkit.model import Do, Hold, Prepare, Repeat, Routine
from calfkit.testing import play_fast
from calfkit.timeline import Segment, SegmentKind, Timeline, compile_routine

routine = Routine(name="r", title="R", steps=(Do(text="x", duration=5.0),))
timeline = Timeline(routine, (Segment(1, 1, SegmentKind.DO, "x", 0.0, 5.0),))
sink = HistorySink("bell", False, lambda line: print("WARN", line), path=sys.argv[1])
sink.handle(Event(EventKind.START, 0.0, 0.0, 0.0, timeline=timeline))
sink.handle(Event(EventKind.STEP, 0.0, 0.0, 0.0, step=1, segment=timeline.segments[0]))
sink.handle(Event(EventKind.FINISH, 5.0, 5.0, 5.0, step=1))
sink.close()
print("PLAYED", sink.off)
"""


def test_a_read_only_log_gives_one_warning_and_the_session_plays(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    before = path.read_bytes()
    path.chmod(0o444)
    folder.chmod(0o555)
    command = [sys.executable, "-c", READ_ONLY_SCRIPT, str(path)]
    if os.geteuid() == 0:
        # root writes through file modes; without these capabilities it cannot.
        caps = "-dac_override,-dac_read_search,-fowner"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"WARN history: not recording this session: {path} is read-only",
        "PLAYED True",
    ]
    assert path.read_bytes() == before


def test_a_read_only_log_in_a_writable_folder_leaves_nothing_behind_to_block_it_later(
    tmp_path: Path,
) -> None:
    # SQLite, given a log it may not write, still creates its WAL companions beside it with
    # the log's read-only modes; once the person made the log writable again, the read-only
    # companion kept every later session from being recorded.
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    path.chmod(0o444)
    play = without_root_powers([sys.executable, "-c", READ_ONLY_SCRIPT, str(path)])
    read = without_root_powers([sys.executable, "-m", "calfkit", "history", "--json"])
    env = {**os.environ, "CALFKIT_HISTORY": str(path)}

    done = subprocess.run(play, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == [
        f"WARN history: not recording this session: {path} is read-only",
        "PLAYED True",
    ]
    listed = subprocess.run(read, capture_output=True, text=True, timeout=60, env=env)
    assert (listed.returncode, listed.stderr) == (0, "")
    assert len(json.loads(listed.stdout)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]

    path.chmod(0o644)
    done = subprocess.run(play, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["PLAYED False"]
    assert len(rows(path)) == 2


def test_a_read_only_companion_file_is_named_in_the_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))
    shm = tmp_path / "h.sqlite3-shm"
    shm.write_bytes(b"")
    shm.chmod(0o444)
    command = without_root_powers([sys.executable, "-c", READ_ONLY_SCRIPT, str(path)])
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == [
        f"WARN history: not recording this session: {path} is read-only"
        " (its companion file h.sqlite3-shm is)",
        "PLAYED True",
    ]


def test_a_folder_that_cannot_be_created_gives_one_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    path = blocker / "h.sqlite3"
    warnings = Warnings()
    play_through(HistorySink("bell", False, warnings, path=path), make_timeline())
    assert len(warnings.lines) == 1
    assert warnings.lines[0].startswith(f"history: not recording this session: {path} ")


# -- schema migrations -------------------------------------------------------------------


# -- queries: sessions, weeks, streaks, last done ----------------------------------------


# -- driven by the real engine on a fake clock -------------------------------------------


def engine_routine() -> Routine:
    return Routine(
        name="wall-release",
        title="Wall Release",
        steps=(
            Prepare(text="Face the wall.", duration=10.0),
            Repeat(
                rounds=3,
                steps=(
                    Do(text="Rise onto the balls of your feet.", duration=4.0),
                    Hold(text="Stay up.", duration=6.0),
                ),
                rest_between=5.0,
            ),
        ),
        content_hash="abc123",
    )


def test_a_session_played_to_the_end_by_the_engine_is_recorded_finished(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())
    sink = HistorySink("bell", True, Warnings(), path=path)
    played = play_fast(
        timeline, sinks=[sink], lead_in=3.0, keys=[(20.0, Command.PAUSE), (50.0, Command.PAUSE)]
    )
    assert played.outcome.status is Status.FINISHED
    with History(path) as history:
        (session,) = history.sessions()
    assert session.ended is Ending.FINISHED
    assert (session.routine, session.title, session.content_hash) == (
        "wall-release",
        "Wall Release",
        "abc123",
    )
    assert session.planned_seconds == timeline.total == 10 + 3 * 10 + 2 * 5
    assert session.steps_total == len(timeline.segments) == session.end_step
    assert session.paused_seconds == played.outcome.paused_seconds == 30.0
    # Neither the summary nor the log counts the lead-in.
    assert session.played_seconds == played.outcome.played_seconds == timeline.total
    assert (session.sound, session.voice) == ("bell", True)
    assert session.outcome() == "finished"


def test_a_session_quit_by_the_engine_is_recorded_stopped_where_it_was(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())
    sink = HistorySink("off", False, Warnings(), path=path)
    played = play_fast(timeline, sinks=[sink], keys=[(12.0, Command.NEXT), (25.0, Command.QUIT)])
    assert played.outcome.status is Status.STOPPED
    with History(path) as history:
        (session,) = history.sessions()
    assert session.ended is Ending.STOPPED
    assert session.end_step == played.outcome.step
    assert session.played_seconds == 25.0
    # Top-level steps, as show numbers them and play --from takes them.
    tops = len(timeline.routine.steps)
    assert (session.end_top, session.tops_total) == (played.outcome.top_step, tops)
    assert session.outcome() == f"stopped at step {played.outcome.top_step} of {tops}"


def test_a_session_interrupted_by_ctrl_c_is_recorded_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())

    class CtrlC:
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.STEP and event.step == 3:
                raise KeyboardInterrupt

        def close(self) -> None:
            pass

    sink = HistorySink("bell", False, Warnings(), path=path)
    with pytest.raises(KeyboardInterrupt):
        play_fast(timeline, sinks=[sink, CtrlC()])
    with History(path) as history:
        (session,) = history.sessions()
    assert (session.ended, session.end_step) == (Ending.INTERRUPTED, 3)
    assert session.ended_at is not None


# -- real processes ----------------------------------------------------------------------

SESSION_SCRIPT = """
import os, sys, time
from pathlib import Path
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player
from calfkit.player.events import EventKind
from calfkit.sinks.history import HistorySink
from calfkit.model import Do, Routine
from calfkit.timeline import compile_routine

path, seconds, mine, other = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
go = float(sys.argv[5])

class Barrier:
    # After its row is in, each session waits until the other's is too: both are open at once.
    def handle(self, event):
        if event.kind is EventKind.START:
            Path(mine).touch()
            deadline = time.monotonic() + 30
            while other != "-" and not Path(other).exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        if event.kind is EventKind.STEP:
            print("step", event.step, flush=True)
    def close(self):
        pass

routine = Routine(
    name="proc-" + os.path.basename(mine),
    title="Process",
    steps=tuple(Do(text=f"Move {i}", duration=seconds) for i in range(1, 7)),
)
sink = HistorySink("off", False, lambda line: print("WARN", line, flush=True), path=path)
while time.time() < go:  # both sessions start together, racing to create the log
    pass
Player(compile_routine(routine), clock=MonotonicClock(), sinks=[sink, Barrier()], lead_in=0).run()
print("done", flush=True)
"""


def start_session(
    path: Path, seconds: float, mine: Path, other: Path | str, go: float = 0.0
) -> subprocess.Popen[str]:
    arguments = (path, seconds, mine, other, go)
    return subprocess.Popen(
        [sys.executable, "-c", SESSION_SCRIPT, *(str(argument) for argument in arguments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


KILL_ME = """\
calfkit: 1
title: Kill Me
steps:
  - do: First move.
    duration: 1s
  - do: Second move.
    duration: 60s
  - rest: 5s
"""


def test_a_play_process_killed_with_sigkill_leaves_a_sound_log_with_an_interrupted_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite3"
    record(path, datetime(2026, 1, 1, tzinfo=UTC))  # an earlier session that must survive
    routine = tmp_path / "kill-me.yaml"
    routine.write_text(KILL_ME)
    play = ["play", str(routine), "--plain", "--speed", "2", "--lead-in", "0", "--sound", "off"]
    process = subprocess.Popen(
        [sys.executable, "-m", "calfkit", *play],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CALFKIT_HISTORY": str(path)},
    )
    seen: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if "Second move." in line:
                break
        # The plain lines and the log are separate sinks: wait for the log to catch up.
        deadline = time_module.monotonic() + 10
        while time_module.monotonic() < deadline:
            if [r["end_step"] for r in rows(path)][-1] == 2:
                break
            time_module.sleep(0.02)
        # Issue 12 item 13: still playing, it is "in progress", not "interrupted".
        with History(path) as history:
            playing = history.sessions()[0]
        assert playing.playing and playing.outcome().startswith("in progress at step 2 of 3")
    finally:
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=30)
    assert any("Second move." in line for line in seen), (seen, err)
    assert process.returncode == -signal.SIGKILL
    assert integrity(path) == "ok"
    # Killed, its heartbeat goes stale: a little later it reads as interrupted.
    later = history_module.utc_now() + timedelta(seconds=history_module.HEARTBEAT_STALE_SECONDS + 5)
    monkeypatch.setattr(history_module, "utc_now", lambda: later)
    with History(path) as history:
        killed, earlier = history.sessions()
    assert (killed.routine, killed.title) == ("kill-me", "Kill Me")
    assert (killed.ended, killed.end_step, killed.ended_at) == (Ending.INTERRUPTED, 2, None)
    assert killed.outcome() == "interrupted at step 2 of 3 (2x preview)"
    assert (killed.sound, killed.speed) == ("off", 2.0)
    assert 0.0 < killed.played_seconds < 30.0
    assert earlier.ended is Ending.FINISHED


def test_two_sessions_at_once_are_both_recorded(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"  # not there yet: both processes race to create it
    go = time_module.time() + 0.8
    first = start_session(path, 0.05, tmp_path / "a", tmp_path / "b", go)
    second = start_session(path, 0.05, tmp_path / "b", tmp_path / "a", go)
    outputs = [p.communicate(timeout=60) for p in (first, second)]
    for process, (out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
        assert "WARN" not in out, out
        assert out.endswith("done\n")
    assert integrity(path) == "ok"
    with History(path) as history:
        sessions = history.sessions()
    assert sorted(s.routine for s in sessions) == ["proc-a", "proc-b"]
    assert all(s.ended is Ending.FINISHED and s.end_step == 6 for s in sessions)


RACE_SCRIPT = """
import sqlite3, sys, time
from calfkit.sinks.history import HistorySink
from calfkit.player.events import Event, EventKind
sink = HistorySink("off", False, lambda line: print("WARN", line), path=sys.argv[1])
go = float(sys.argv[2])
while time.time() < go:
    pass
sink.handle(Event(EventKind.START, 0.0, 0.0, 0.0))
sink.handle(Event(EventKind.FINISH, 1.0, 1.0, 1.0))
sink.close()
"""


def test_sessions_starting_at_the_same_instant_on_a_new_log_are_all_recorded(
    tmp_path: Path,
) -> None:
    # A new file switching to WAL can report "locked" without SQLite's busy wait; starting
    # pairs of sessions at one instant hits that often enough to show it is handled.
    for round_ in range(6):
        path = tmp_path / f"h{round_}.sqlite3"
        go = time_module.time() + 0.3
        pair = [
            subprocess.Popen(
                [sys.executable, "-c", RACE_SCRIPT, str(path), str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for process in pair:
            out, err = process.communicate(timeout=60)
            assert (process.returncode, out, err) == (0, "", "")
        assert [r["ended"] for r in rows(path)] == ["finished", "finished"]


SHORT = """\
calfkit: 1
title: Short
steps:
  - do: Only move.
    duration: 2s
"""


@pytest.mark.parametrize("problem", ["not a database", "read-only", "locked"])
def test_calfkit_play_with_an_unusable_log_warns_once_and_plays_to_the_end(
    tmp_path: Path, problem: str
) -> None:
    folder = tmp_path / "log"
    folder.mkdir()
    path = folder / "h.sqlite3"
    routine = tmp_path / "short.yaml"
    routine.write_text(SHORT)
    command = [sys.executable, "-m", "calfkit", "play", str(routine), "--plain"]
    command += ["--speed", "4", "--lead-in", "0", "--sound", "off"]
    holder: sqlite3.Connection | None = None
    if problem == "not a database":
        path.write_text("my notes\n" * 100)
    else:
        record(path, datetime(2026, 1, 1, tzinfo=UTC))
    if problem == "read-only":
        path.chmod(0o444)
        folder.chmod(0o555)
        if os.geteuid() == 0:
            caps = "-dac_override,-dac_read_search,-fowner"
            command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    if problem == "locked":
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    before = path.read_bytes()
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "CALFKIT_HISTORY": str(path)},
        )
    finally:
        folder.chmod(0o755)
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    reason = {
        "not a database": "is not a SQLite database",
        "read-only": "is read-only",
        "locked": "is locked by another program (another calfkit?)",
    }[problem]
    assert (done.returncode, done.stderr) == (
        0,
        f"history: not recording this session: {path} {reason}\n",
    )
    assert "] Finished\n" in done.stdout  # played to the end
    assert done.stdout.splitlines()[-1].endswith(" · steps done 1 of 1 · skipped 0 · paused 00:00")
    assert path.read_bytes() == before


def test_a_log_locked_for_a_moment_mid_session_costs_no_warning(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    warnings = Warnings()
    sink = HistorySink("bell", False, warnings, path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    steps = step_events(timeline)
    sink.handle(steps[0])
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    sink.handle(steps[1])  # cannot be written now; skipped without a word
    sink.handle(steps[2])
    assert warnings.lines == []
    assert not sink.off
    # The end waits a little for the other calfkit to let go.
    release = threading.Timer(0.4, lambda: holder.execute("ROLLBACK"))
    release.start()
    sink.handle(steps[3])
    sink.handle(ev(EventKind.FINISH, 120.0, step=4))
    release.join()
    holder.close()
    sink.close()
    assert warnings.lines == []
    (row,) = rows(path)
    assert (row["ended"], row["end_step"], row["played_seconds"]) == ("finished", 4, 120.0)


def test_a_log_locked_through_the_end_leaves_the_row_interrupted_with_one_warning(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=2, seconds=30)
    warnings = Warnings()
    sink = HistorySink("bell", False, warnings, path=path)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline):
        sink.handle(event)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        began = time_module.monotonic()
        sink.handle(ev(EventKind.FINISH, 60.0, step=2))
        waited = time_module.monotonic() - began
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    sink.close()
    assert warnings.lines == [
        f"history: stopped recording this session: {path} is locked by another program"
        " (another calfkit?)"
    ]
    assert 1.0 <= waited < 3.0
    (row,) = rows(path)
    assert (row["ended"], row["end_step"]) == ("interrupted", 2)


# -- issue 12: sessions recorded honestly ----------------------------------------------


def test_skipping_every_step_records_skipped_and_counts_for_no_week_or_streak(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())
    sink = HistorySink("off", False, Warnings(), path=path)
    steps = len(timeline.segments)
    played = play_fast(timeline, sinks=[sink], keys=[(0.1 * i, Command.NEXT) for i in range(steps)])
    assert played.outcome.status is Status.FINISHED and not played.outcome.practised
    with History(path) as history:
        (session,) = history.sessions()
        assert session.ended is Ending.SKIPPED
        assert session.outcome() == "skipped to the end (not counted as practice)"
        assert history.week_totals().finished == 0
        assert history.streak() == 0
        assert history.last_done(["wall-release"]) == {}


def test_skipping_less_than_half_of_the_routine_still_counts_as_finished(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())
    sink = HistorySink("off", False, Warnings(), path=path)
    played = play_fast(timeline, sinks=[sink], keys=[(1.0, Command.NEXT)])  # the first step
    assert played.outcome.practised
    assert played.outcome.done_seconds >= 0.5 * played.outcome.planned_seconds
    with History(path) as history:
        assert history.sessions()[0].ended is Ending.FINISHED
        assert history.week_totals().finished == 1


def test_the_row_goes_in_when_the_player_prepares_its_sinks_not_on_its_clock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())
    sink = HistorySink("off", False, Warnings(), path=path)
    seen: list[int] = []

    class Peek(RecordingSink):
        def handle(self, event: Event) -> None:
            if event.kind is EventKind.START:
                seen.append(len(rows(path)))  # already there when the clock starts
            super().handle(event)

    play_fast(timeline, sinks=[Peek(), sink], lead_in=0)
    assert seen == [1]


def test_a_session_playing_writes_a_heartbeat_from_its_own_thread(tmp_path: Path) -> None:
    import time as time_module

    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=2, seconds=30)
    moments = iter(datetime(2026, 11, 21, 12, 0, s, tzinfo=UTC) for s in range(60))
    sink = HistorySink(
        "bell", False, Warnings(), path=path, now=lambda: next(moments), heartbeat=0.01
    )
    sink.prepare(timeline)
    first = rows(path)[0]["heartbeat_at"]
    deadline = time_module.monotonic() + 10
    while rows(path)[0]["heartbeat_at"] == first and time_module.monotonic() < deadline:
        time_module.sleep(0.01)
    assert rows(path)[0]["heartbeat_at"] > first  # beating, with no event from the player
    sink.handle(ev(EventKind.FINISH, 60.0, step=2))
    beat = rows(path)[0]["heartbeat_at"]
    time_module.sleep(0.05)
    assert rows(path)[0]["heartbeat_at"] == beat  # stopped with the session
    sink.close()


def test_the_summary_and_history_agree_on_the_time_played_lead_in_left_out(
    tmp_path: Path,
) -> None:
    import io

    from calfkit import words
    from calfkit.sinks.plain import PlainSink

    path = tmp_path / "h.sqlite3"
    timeline = compile_routine(engine_routine())
    out = io.StringIO()
    sink = HistorySink("off", False, Warnings(), path=path)
    # A 3 s lead-in and a pause of 3.004 s: neither is played time, and the pause shows as
    # 00:03 (to the nearest second), not 00:04.
    play_fast(
        timeline,
        sinks=[PlainSink(out), sink],
        lead_in=3.0,
        keys=[(5.0, Command.PAUSE), (8.004, Command.PAUSE)],
    )
    figures = out.getvalue().splitlines()[-1]
    with History(path) as history:
        (session,) = history.sessions()
    assert session.played_seconds == timeline.total
    assert figures.startswith(f"Time {words.clock(session.played_seconds)} · ")
    assert figures.endswith("· paused 00:03")


def test_a_resumed_session_continues_its_own_row_and_finishes_it_across_its_parts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    started = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    first = HistorySink("bell", False, Warnings(), path=path, now=lambda: started)
    first.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, upto=3):
        first.handle(event)
    first.handle(ev(EventKind.STOP, 75.0, step=3, text="quit"))
    first.close()

    with History(path) as history:
        stopped = history.resumable("calf-release")
        assert history.resumable("another-routine") is None
    assert stopped is not None and (stopped.end_step, stopped.ended) == (3, Ending.STOPPED)
    assert stopped.step_hash is not None and len(stopped.step_hash) == 16

    later = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
    second = HistorySink("bell", False, Warnings(), path=path, now=lambda: later, resume=stopped)
    second.handle(ev(EventKind.START, 0.0, timeline=timeline))
    (row,) = rows(path)
    # taken up again: in progress, marked interrupted until this part ends (kill -9 safe)
    assert (row["ended"], row["ended_at"], row["parts"]) == ("interrupted", None, 2)
    for segment in timeline.segments[2:]:
        second.handle(
            ev(EventKind.STEP, segment.start - 60.0, step=segment.index, segment=segment,
               played=segment.start - 60.0)
        )  # fmt: skip
    second.handle(ev(EventKind.FINISH, 60.0, step=4))
    second.close()

    (row,) = rows(path)
    assert row["ended"] == "finished"
    assert row["started_at"] == "2026-12-06T08:00:00+00:00"  # the session's own start
    assert row["ended_at"] == "2026-12-06T18:00:00+00:00"
    assert row["parts"] == 2
    assert row["played_seconds"] == 75.0 + 60.0  # both parts
    assert row["planned_seconds"] == 120.0  # the whole routine, not what lay ahead
    with History(path) as history:
        (session,) = history.sessions()
        assert session.outcome() == "finished (in 2 parts)"
        assert history.resumable("calf-release") is None


def _stopped_at(path: Path, timeline: Timeline, at: datetime, *, step: int, seconds: float) -> None:
    """A session of ``timeline`` begun at ``at`` and stopped with q at ``step``."""
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: at)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, upto=step):
        sink.handle(event)
    sink.handle(ev(EventKind.STOP, seconds, step=step, text="quit"))
    sink.close()


def _stopped_in_lead_in(
    path: Path, timeline: Timeline, at: datetime, resume: Session | None = None
) -> None:
    """A session (or a resumed part of one) stopped with q before its first step began."""
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: at, resume=resume)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    sink.handle(ev(EventKind.STOP, 0.0, step=0, text="quit", played=0.0))
    sink.close()


def test_a_resumed_session_stopped_again_in_its_lead_in_still_stands_where_it_stood(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    at = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    _stopped_at(path, timeline, at, step=2, seconds=45.0)
    with History(path) as history:
        stopped = history.resumable("calf-release")
    assert stopped is not None
    _stopped_in_lead_in(path, timeline, at, resume=stopped)
    with History(path) as history:
        again = history.resumable("calf-release")
    assert again is not None
    assert (again.id, again.end_step, again.step_hash) == (stopped.id, 2, stopped.step_hash)
    assert again.parts == 2


def test_a_later_session_stopped_in_its_lead_in_is_passed_over_by_resume(tmp_path: Path) -> None:
    # docs/history.md: nothing of it was played, so the earlier session stopped at step 2 is
    # the one --resume takes up.
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    _stopped_at(path, timeline, monday, step=2, seconds=45.0)
    _stopped_in_lead_in(path, timeline, monday + timedelta(days=1))
    assert len(rows(path)) == 2
    with History(path) as history:
        taken = history.resumable("calf-release")
    assert taken is not None
    assert (taken.end_step, taken.started_at) == (2, monday)


def test_a_resumed_part_killed_with_sigkill_leaves_its_row_interrupted_and_resumable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfkit import library

    path = tmp_path / "h.sqlite3"
    routine = tmp_path / "kill-me.yaml"
    routine.write_text(KILL_ME)
    # The first part: stopped with q at the second step.
    timeline = compile_routine(library.load(routine))
    first = HistorySink("off", False, Warnings(), path=path)
    first.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, upto=2):
        first.handle(event)
    first.handle(ev(EventKind.STOP, 3.0, step=2, text="quit"))
    first.close()
    (before,) = rows(path)

    play = ["play", str(routine), "--resume", "--plain", "--lead-in", "0", "--sound", "off"]
    process = subprocess.Popen(
        [sys.executable, "-m", "calfkit", *play],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CALFKIT_HISTORY": str(path)},
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Second move." in line:
                break
        deadline = time_module.monotonic() + 10
        while time_module.monotonic() < deadline and rows(path)[0]["parts"] != 2:
            time_module.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert integrity(path) == "ok"
    (row,) = rows(path)  # the same row, taken up: no second one
    assert (row["id"], row["parts"], row["ended"], row["ended_at"]) == (
        before["id"],
        2,
        "interrupted",
        None,
    )
    later = history_module.utc_now() + timedelta(seconds=history_module.HEARTBEAT_STALE_SECONDS + 5)
    monkeypatch.setattr(history_module, "utc_now", lambda: later)
    with History(path) as history:
        again = history.resumable("kill-me")
    assert again is not None and (again.id, again.end_step) == (before["id"], 2)


def test_a_session_skipped_to_its_end_takes_no_place_among_the_weeks_sessions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    timeline = make_timeline(steps=4, seconds=30)
    played = HistorySink("off", False, Warnings(), path=path)
    play_fast(timeline, sinks=[played])
    assert played.summary_line() == "1st session this week"
    skipped = HistorySink("off", False, Warnings(), path=path)
    play_fast(timeline, sinks=[skipped], keys=[(0.5, Command.NEXT)] * 4)
    assert rows(path)[-1]["ended"] == "skipped"
    # The screen says what history says: "skipped to the end", not "2nd session this week".
    assert skipped.summary_line() is None
