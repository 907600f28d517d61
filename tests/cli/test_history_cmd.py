"""``calfkit history`` through click's CliRunner, on real SQLite files in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.history import store as history_module
from calfkit.model import Do, Routine
from calfkit.player.events import Event, EventKind
from calfkit.sinks.history import HistorySink
from calfkit.timeline import compile_routine

UTC = timezone.utc
NOW = datetime(2026, 11, 21, 18, 30, tzinfo=UTC)  # a Saturday


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A history file named by CALFKIT_HISTORY, local time UTC, and "now" fixed at NOW."""
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("CALFKIT_HISTORY", str(path))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(history_module, "utc_now", lambda: NOW)
    time.tzset()
    yield path
    monkeypatch.undo()
    time.tzset()


def record(path: Path, at: datetime, routine: str, how: str, step: int = 12) -> None:
    """A session of 12 one-minute steps, played up to ``step``, ended ``how``."""
    timeline = compile_routine(
        Routine(
            name=routine,
            title=routine.title(),
            steps=tuple(Do(text=f"Move {i}", duration=60.0) for i in range(12)),
        )
    )
    sink = HistorySink("bell", False, print, path=path, now=lambda: at)
    sink.handle(Event(EventKind.START, 0, 0, 0, timeline=timeline))
    for segment in timeline.segments[:step]:
        sink.handle(
            Event(
                EventKind.STEP,
                segment.start,
                segment.start,
                0,
                step=segment.index,
                top_step=segment.top,
                played=segment.start,
            )
        )
    played = step * 60.0 if how == "finish" else (step - 1) * 60.0 + 30
    if how == "finish":
        sink.handle(Event(EventKind.FINISH, played, played, 0, step=step, played=played))
    elif how != "kill":
        sink.handle(Event(EventKind.STOP, played, played, 0, step=step, text=how, played=played))
    sink.close()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["history", *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def fill(path: Path) -> None:
    record(path, NOW - timedelta(days=8), "calf-release", "finish")  # last week's Friday
    record(path, NOW - timedelta(days=2, hours=10), "calf-release", "finish")  # Thu 08:30
    record(path, NOW - timedelta(days=1, hours=1), "foam-roll", "quit", step=4)  # Fri 17:30
    record(path, NOW - timedelta(days=1), "calf-release", "finish")  # Fri 18:30
    record(path, NOW - timedelta(minutes=40), "hip-to-heel", "kill", step=7)  # Sat 17:50


def test_history_without_a_log_says_how_to_start_one(log: Path) -> None:
    assert run() == (
        0,
        "No sessions recorded yet. Play a routine (calfkit play NAME) and it will show up here.\n",
        "",
    )
    assert not log.exists()


# What `history` prints for the sessions fill() writes, header first.
FILLED_ROWS = [
    "When                  Routine       Played  How it ended",
    "Sat 2026-11-21 17:50  hip-to-heel    06:00  interrupted at step 7 of 12",
    "Fri 2026-11-20 18:30  calf-release   12:00  finished",
    "Fri 2026-11-20 17:30  foam-roll      03:30  stopped at step 4 of 12",
    "Thu 2026-11-19 08:30  calf-release   12:00  finished",
    "Fri 2026-11-13 18:30  calf-release   12:00  finished",
]


def test_history_lists_sessions_newest_first_with_week_totals_and_streak(log: Path) -> None:
    fill(log)
    code, out, err = run()
    assert (code, err) == (0, "")
    assert [line.rstrip() for line in out.splitlines()] == [
        *FILLED_ROWS,
        "",
        "This week: 4 sessions, 2 finished, 33:30 played",
        "Current streak: 2 days",
    ]


def test_history_shows_local_time(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record(log, NOW, "calf-release", "finish")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    code, out, _ = run()
    assert code == 0
    assert out.splitlines()[1].startswith("Sat 2026-11-21 13:30  calf-release")


def test_history_limit_and_routine_narrow_the_table(log: Path) -> None:
    fill(log)
    code, out, _ = run("--routine", "calf-release", "--limit", "2")
    assert code == 0
    assert [line.rstrip() for line in out.splitlines()[1:3]] == [
        "Fri 2026-11-20 18:30  calf-release   12:00  finished",
        "Thu 2026-11-19 08:30  calf-release   12:00  finished",
    ]
    assert out.splitlines()[3:] == [
        "",
        "This week: 4 sessions, 2 finished, 33:30 played",
        "Current streak: 2 days",
    ]


def test_history_for_a_routine_never_played_says_so(log: Path) -> None:
    fill(log)
    assert run("--routine", "nope") == (
        0,
        "No sessions of 'nope' recorded yet.\n"
        "This week: 4 sessions, 2 finished, 33:30 played\n"
        "Current streak: 2 days\n",
        "",
    )


def test_history_json_is_a_list_of_session_objects(log: Path) -> None:
    fill(log)
    code, out, err = run("--json", "--limit", "2")
    assert (code, err) == (0, "")
    sessions = json.loads(out)
    assert sessions == [
        {
            "id": 5,
            "started_at": "2026-11-21T17:50:00+00:00",
            "ended_at": None,
            "routine": "hip-to-heel",
            "title": "Hip-To-Heel",
            "content_hash": None,
            "planned_seconds": 720.0,
            "played_seconds": 360.0,
            "paused_seconds": 0.0,
            "ended": "interrupted",
            "end_step": 7,
            "steps_total": 12,
            "end_top_step": 7,
            "top_steps_total": 12,
            "in_progress": False,
            "sound": "bell",
            "voice": False,
            "speed": 1.0,
            "parts": 1,
        },
        {
            "id": 4,
            "started_at": "2026-11-20T18:30:00+00:00",
            "ended_at": "2026-11-20T18:30:00+00:00",
            "routine": "calf-release",
            "title": "Calf-Release",
            "content_hash": None,
            "planned_seconds": 720.0,
            "played_seconds": 720.0,
            "paused_seconds": 0.0,
            "ended": "finished",
            "end_step": 12,
            "steps_total": 12,
            "end_top_step": 12,
            "top_steps_total": 12,
            "in_progress": False,
            "sound": "bell",
            "voice": False,
            "speed": 1.0,
            "parts": 1,
        },
    ]


def test_history_json_without_a_log_is_an_empty_list(log: Path) -> None:
    assert run("--json") == (0, "[]\n", "")


def test_a_history_file_that_is_not_a_database_is_one_error_line(log: Path) -> None:
    log.write_text("shopping list\n" * 50)
    assert run() == (
        1,
        "",
        f"calfkit: error: cannot read history: {log} is not a SQLite database"
        " (move it aside, or set CALFKIT_HISTORY to use another file)\n",
    )
    code, out, err = run("--json")
    assert (code, out, len(err.splitlines())) == (1, "", 1)


def test_a_history_from_a_newer_calfkit_is_one_error_line(log: Path) -> None:
    record(log, NOW, "calf-release", "finish")
    import sqlite3

    connection = sqlite3.connect(log)
    connection.execute("PRAGMA user_version = 9")
    connection.close()
    assert run() == (
        1,
        "",
        f"calfkit: error: cannot read history: {log} was written by a newer calfkit"
        " (history schema 9; this one knows 3) (move it aside, or set CALFKIT_HISTORY"
        " to use another file)\n",
    )


def test_a_bad_limit_is_a_usage_error(log: Path) -> None:
    code, _, err = run("--limit", "0")
    assert code == 2
    assert "Invalid value for '--limit'" in err


def test_a_read_only_log_in_a_read_only_folder_can_still_be_read(log: Path) -> None:
    import os
    import subprocess
    import sys

    record(log, NOW - timedelta(hours=1), "calf-release", "finish")
    folder = log.parent
    log.chmod(0o444)
    folder.chmod(0o555)
    command = [sys.executable, "-m", "calfkit", "history", "--json"]
    if os.geteuid() == 0:
        # root reads and writes through file modes; without these capabilities it cannot.
        caps = "-dac_override,-dac_read_search,-fowner"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    assert (done.returncode, done.stderr) == (0, "")
    assert [s["routine"] for s in json.loads(done.stdout)] == ["calf-release"]
    assert sorted(p.name for p in folder.iterdir()) == ["history.sqlite3"]


def test_history_into_a_pipe_keeps_one_line_per_session(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_name = "a-rather-long-routine-name-for-the-evening-calf-and-heel-release"
    record(log, NOW - timedelta(hours=1), long_name, "quit", step=11)
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _ = run()
    assert code == 0
    assert out.splitlines()[1].rstrip() == (
        f"Sat 2026-11-21 17:30  {long_name}   10:30  stopped at step 11 of 12"
    )


def test_history_into_a_pipe_has_no_trailing_spaces(log: Path) -> None:
    fill(log)
    code, out, _ = run()
    assert code == 0
    assert out.splitlines()[:3] == [
        "When                  Routine       Played  How it ended",
        "Sat 2026-11-21 17:50  hip-to-heel    06:00  interrupted at step 7 of 12",
        "Fri 2026-11-20 18:30  calf-release   12:00  finished",
    ]


def test_a_log_locked_by_another_program_says_to_try_again_not_to_move_it(log: Path) -> None:
    import sqlite3

    record(log, NOW, "calf-release", "finish")
    holder = sqlite3.connect(log, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE sessions SET title = title")
    try:
        outcome = run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert outcome == (
        1,
        "",
        f"calfkit: error: cannot read history: {log} is locked by another program"
        " (another calfkit?) (try again when the other program is done with it)\n",
    )


def edit(path: Path, sql: str, *, schema: str | None = None) -> None:
    """Edit the log by hand, as a person with the sqlite3 tool might: ``sql`` run with CHECK
    constraints off; ``schema`` first rewrites the table's own definition (what it takes to
    put a NULL where calfkit's schema says NOT NULL)."""
    import sqlite3

    connection = sqlite3.connect(path)
    if schema is not None:
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'sessions'",
            (schema, schema.replace(" NOT NULL", "")),
        )
        connection.commit()
        connection.close()
        connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    connection.execute(sql)
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("played_seconds", "'twelve minutes'"),  # a text in a number column
        ("end_step", "'seven'"),
        ("speed", "x'00ff'"),  # a blob
        ("played_seconds", "1e999"),  # an infinity, which no JSON can carry
        ("started_at", "'yesterday'"),  # a time that is not one
        ("started_at", "'2026-13-40T25:00:00+00:00'"),
        ("heartbeat_at", "'soon'"),
        ("ended", "'yesterday'"),
    ],
)
def test_a_session_edited_by_hand_into_nonsense_is_left_out_with_one_warning(
    log: Path, column: str, value: str
) -> None:
    fill(log)
    edit(log, f"UPDATE sessions SET {column} = {value} WHERE id = 4")  # Fri 18:30, finished
    warning = (
        f"calfkit: warning: history: {log} has 1 session calfkit cannot read (id 4); left out\n"
    )
    code, out, err = run()
    assert (code, err) == (0, warning)
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[:6] == [*FILLED_ROWS[:2], *FILLED_ROWS[3:], ""]  # all but that one
    assert lines[6].startswith("This week: ")
    assert lines[7].startswith("Current streak: ")
    assert len(lines) == 8
    code, out, err = run("--json")
    assert (code, err) == (0, warning)
    assert [session["id"] for session in json.loads(out)] == [5, 3, 2, 1]


def test_a_null_where_the_log_needs_a_value_is_left_out_with_one_warning(log: Path) -> None:
    fill(log)
    edit(
        log,
        "UPDATE sessions SET planned_seconds = NULL WHERE id IN (2, 5)",
        schema="planned_seconds REAL NOT NULL",
    )
    edit(log, "UPDATE sessions SET ended = NULL WHERE id = 3", schema="ended TEXT NOT NULL")
    code, out, err = run()
    assert code == 0
    assert err == (
        f"calfkit: warning: history: {log} has 3 sessions calfkit cannot read (id 2, 3, 5);"
        " left out\n"
    )
    assert [line.rstrip() for line in out.splitlines()][:3] == [
        FILLED_ROWS[0],
        FILLED_ROWS[2],
        FILLED_ROWS[5],
    ]


def test_an_absurd_figure_is_shown_as_unknown_not_as_a_300_digit_clock(log: Path) -> None:
    fill(log)
    edit(log, "UPDATE sessions SET played_seconds = 1e308 WHERE id = 3")  # Fri 17:30
    edit(log, "UPDATE sessions SET played_seconds = -60 WHERE id = 2")  # Thu 08:30
    code, out, err = run()
    assert (code, err) == (0, "")
    assert [line.rstrip() for line in out.splitlines()] == [
        FILLED_ROWS[0],
        FILLED_ROWS[1],
        FILLED_ROWS[2],
        "Fri 2026-11-20 17:30  foam-roll          ?  stopped at step 4 of 12",
        "Thu 2026-11-19 08:30  calf-release       ?  finished",
        FILLED_ROWS[5],
        "",
        "This week: 4 sessions, 2 finished, 18:00 played",  # the figures a session can have
        "Current streak: 2 days",
    ]
    code, out, err = run("--json")
    assert (code, err) == (0, "")
    assert json.loads(out)[2]["played_seconds"] == 1e308  # the data as it stands


def test_a_damaged_log_is_one_error_line_saying_so(log: Path) -> None:
    record(log, NOW, "calf-release", "finish")
    data = bytearray(log.read_bytes())
    data[100:4096] = b"\xab" * (4096 - 100)  # the first page after the header
    log.write_bytes(bytes(data))
    assert run() == (
        1,
        "",
        f"calfkit: error: cannot read history: {log} is damaged (SQLite: database disk image"
        " is malformed) (move it aside, or set CALFKIT_HISTORY to use another file)\n",
    )


def test_list_with_an_unreadable_log_warns_once_and_does_not_claim_never(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    log.write_text("shopping list\n" * 50)
    warning = (
        f"calfkit: warning: cannot read history: {log} is not a SQLite database;"
        " last done is not shown\n"
    )
    table = CliRunner().invoke(cli, ["list"])
    assert (table.exit_code, table.stderr) == (0, warning)
    lines = table.stdout.splitlines()
    assert lines[0].endswith("Last done")
    assert lines[1].startswith("calf-care ") and lines[1].endswith("  built-in  ?")
    assert all(line.endswith(" ?") for line in lines[1:])
    listing = CliRunner().invoke(cli, ["list", "--json"])
    assert (listing.exit_code, listing.stderr) == (0, warning)
    assert {entry["last_done"] for entry in json.loads(listing.stdout)} == {None}


@pytest.mark.parametrize("limit", ["9223372036854775808", "1000001", "0"])
def test_a_limit_out_of_range_is_a_usage_error(log: Path, limit: str) -> None:
    result = CliRunner().invoke(cli, ["history", "--limit", limit])
    assert result.exit_code == 2
    assert "Invalid value for '--limit'" in result.output
    assert "1<=x<=1000000" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_largest_limit_is_accepted(log: Path) -> None:
    result = CliRunner().invoke(cli, ["history", "--limit", "1000000"])
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_log_that_is_a_symlink_loop_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = tmp_path / "a"
    (tmp_path / "b").symlink_to(loop)
    loop.symlink_to(tmp_path / "b")
    monkeypatch.setenv("CALFKIT_HISTORY", str(loop))
    result = CliRunner().invoke(cli, ["history"])
    assert result.exit_code == 1
    assert "No sessions recorded yet" not in result.output
    assert f"calfkit: error: cannot open {loop}:" in result.output
    assert "symbolic links" in result.output


def test_a_missing_log_is_still_an_empty_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "no" / "such.sqlite"))
    result = CliRunner().invoke(cli, ["history"])
    assert result.exit_code == 0
    assert "No sessions recorded yet" in result.output


def test_history_routine_completes_routine_names_through_the_real_entry_point() -> None:
    env = {
        **os.environ,
        "_CALFKIT_COMPLETE": "bash_complete",
        "COMP_WORDS": "calfkit history --routine calf-release",
        "COMP_CWORD": "3",
    }
    script = "from calfkit.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "plain,calf-release\nplain,calf-release-walk\n"


def test_calendar_json_gives_each_day_its_minutes_shade_and_the_streak(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(log, datetime(2026, 11, 20, 8, 0, tzinfo=UTC), "calf-release", "finish")
    record(log, datetime(2026, 11, 21, 8, 0, tzinfo=UTC), "calf-release", "finish")
    monkeypatch.setenv("CALFKIT_TODAY", "2026-11-21")
    result = CliRunner().invoke(cli, ["history", "--calendar", "--json", "--months", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from"], data["today"], data["plan"], data["streak"]) == (
        "2026-11-01",
        "2026-11-21",
        None,
        2,
    )
    assert len(data["days"]) == 21
    assert data["days"][19] == {
        "date": "2026-11-20",
        "played_seconds": 720.0,
        "sessions": 1,
        "finished": 1,
        "rest_day": False,
        "shade": "▒",
    }
    assert data["days"][0]["shade"] == "·"
