"""``calfkit play`` through click's CliRunner: options, exit codes, plain output, the event log."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli

ROUTINE = """\
title: Quick wall work
caution: Keep it gentle.
steps:
  - prepare: Face the wall
    duration: ready
  - hold: Lean in
    duration: 3
    countdown: 2
  - count: 2
    cue: Lower your heels
"""


@pytest.fixture
def routine(tmp_path: Path) -> str:
    path = tmp_path / "quick.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "history.sqlite"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)


def play(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["play", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


FAST = ("--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-history")


def test_plain_lines_when_stdout_is_not_a_terminal(routine: str) -> None:
    code, out, err = play(routine, *FAST)
    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        "[00:00] Quick wall work: 3 steps (3 timed steps), 20s",
        "[00:00] Caution: Keep it gentle.",
        "[00:00] step 1/3  Face the wall (15s)",  # no Enter to press: its cue and 10 s more
        "[00:00] step 2/3  Lean in (3s)",
        "[00:00] 2",
        "[00:00] 1",
        "[00:00] step 3/3  Lower your heels (2s)",
        "[00:00] 1 of 2",
        "[00:00] 2 of 2",
        "[00:00] Finished",
        # The player's own count: real seconds (15 s at speed 1000 rounds up to one).
        "Time 00:00 · steps done 3 of 3 · skipped 0 · paused 00:00",  # to the nearest second
    ]


def test_log_events_writes_one_json_object_per_event(routine: str, tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    code, _, _ = play(routine, *FAST, "--lead-in", "1", "--log-events", str(log))
    assert code == 0
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [e["event"] for e in events] == [
        "start", "lead_in", "step", "step", "countdown", "countdown", "step", "count", "count",
        "finish",
    ]  # fmt: skip
    for event in events:
        assert {"event", "step", "scheduled", "actual", "wall"} <= set(event)
    assert events[3]["text"] == "Lean in"
    # The lead-in, then the ready step ("Face the wall.", 15 s where nobody presses Enter).
    assert events[3]["scheduled"] == pytest.approx((1 + 15) / 1000)


def test_from_starts_at_that_top_level_step(routine: str) -> None:
    code, out, _ = play(routine, *FAST, "--from", "3")
    assert code == 0
    assert "step 3/3  Lower your heels (2s)" in out
    assert "Lean in" not in out


@pytest.mark.parametrize("start", ["0", "4", "-1"])
def test_from_out_of_range_is_a_usage_error(routine: str, start: str) -> None:
    code, _, err = play(routine, *FAST, "--from", start)
    assert code == 2
    assert (
        f"Invalid value for '--from': {start} is not a step of 'Quick wall work', "
        "which has 3 top-level steps (1 to 3)"
    ) in err


@pytest.mark.parametrize("speed", ["0", "-2", "nan", "inf", "fast"])
def test_speed_must_be_a_positive_number(routine: str, speed: str) -> None:
    code, _, err = play(routine, "--speed", speed)
    assert code == 2
    assert "Invalid value for '--speed'" in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--lead-in", "-1"), ("--lead-in", "nan"), ("--sound", "loud"), ("--from", "two")],
)
def test_bad_option_values_are_usage_errors(routine: str, option: str, value: str) -> None:
    code, _, err = play(routine, option, value)
    assert code == 2
    assert f"Invalid value for '{option}'" in err


def test_a_routine_that_is_not_found_exits_1(tmp_path: Path) -> None:
    code, out, err = play("no-such-routine", *FAST)
    assert code == 1
    assert out == ""
    assert err.startswith("calfkit: error: no routine named 'no-such-routine'")


def test_a_missing_file_exits_1(tmp_path: Path) -> None:
    code, _, err = play(str(tmp_path / "missing.yaml"), *FAST)
    assert code == 1
    assert err == f"calfkit: error: {tmp_path / 'missing.yaml'}: no such file\n"


def test_an_invalid_routine_exits_1_with_positioned_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: Bad\nsteps:\n  - hold: Lean in\n", encoding="utf-8")
    code, out, err = play(str(path), *FAST)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines
    assert all(line.startswith(f"{path}:") and ": error: " in line for line in lines)


def test_a_log_file_in_a_missing_folder_is_refused_before_anything_plays(
    routine: str, tmp_path: Path
) -> None:
    log = tmp_path / "nowhere" / "log.jsonl"
    code, out, err = play(routine, *FAST, "--log-events", str(log))
    assert (code, out) == (1, "")
    assert (
        err == f"calfkit: error: cannot write --log-events {log}: there is no folder {log.parent}\n"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_device_as_the_event_log_is_refused_before_anything_plays(routine: str) -> None:
    code, out, err = play(routine, *FAST, "--log-events", "/dev/full")
    assert (code, out) == (1, "")
    assert err == (
        "calfkit: error: cannot write --log-events /dev/full: it is not a regular file "
        "(a device, a FIFO or a socket)\n"
    )


def test_the_session_goes_into_history_unless_no_history(routine: str, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    code, _, _ = play(routine, "--speed", "1000", "--lead-in", "0", "--sound", "off")
    assert code == 0
    assert history.exists()
    from calfkit.history import History

    with History(history) as log:
        sessions = log.sessions()
    assert [(s.routine, s.ended.value, s.sound) for s in sessions] == [("quick", "finished", "off")]
    code, _, _ = play(routine, *FAST)
    assert code == 0
    with History(history) as log:
        assert len(log.sessions()) == 1


def test_help_lists_every_option() -> None:
    code, out, _ = play("--help")
    assert code == 0
    for option in ("--speed X", "--from N", "--sound", "auto|simpleaudio|miniaudio|system|bell|off",
                   "--voice / --no-voice", "--plain", "--lead-in SECONDS", "--log-events FILE",
                   "--no-history"):  # fmt: skip
        assert option in out


def test_help_names_every_key_the_player_reads() -> None:
    """The Keys paragraph of play --help names each key the player acts on (``?``, which
    shows them all, was missing from it)."""
    from calfkit.terminal.keys import KEY_MAP

    code, out, _ = play("--help")
    assert code == 0
    keys = " ".join(out.split("Keys:", 1)[1].split("Examples:", 1)[0].split())
    for _, _, label, _ in KEY_MAP:
        assert f" {label} " in f" {keys} ", label
    assert "? or h" in keys


def test_a_built_in_routine_plays_by_name() -> None:
    code, out, err = play("rolled-mat-stretch", *FAST, "--speed", "5000")
    assert code == 0
    assert err == ""
    assert out.splitlines()[-2:] == [
        "[00:00] Finished",
        "Time 00:00 · steps done 8 of 8 · skipped 0 · paused 00:00",  # to the nearest second
    ]


def test_term_dumb_gets_plain_lines_even_on_a_terminal(
    routine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import calfkit.session.play as session_play

    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr(session_play, "isatty", lambda stream: True)
    code, out, _ = play(routine, *FAST)
    assert code == 0
    assert out.splitlines()[-2] == "[00:00] Finished"


def test_the_end_says_how_this_session_compares_with_the_week(tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text("title: Short\nsteps:\n  - hold: Still\n    duration: 0.2\n", encoding="utf-8")
    args = (str(path), "--lead-in", "0", "--sound", "off")
    first = play(*args)
    second = play(*args)
    assert (first[0], first[1].splitlines()[-1]) == (0, "1st session this week")
    assert (second[0], second[1].splitlines()[-1]) == (0, "2nd session this week")
    # A sped-up preview is not a session of practice, and --no-history records nothing.
    for extra in (("--speed", "10"), ("--no-history",)):
        code, out, _ = play(*args, *extra)
        assert code == 0 and "session this week" not in out


def test_history_records_no_voice_when_no_speech_engine_could_speak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfkit.history import History

    path = tmp_path / "short.yaml"
    path.write_text("title: Short\nsteps:\n  - hold: Still\n    duration: 0.2\n", encoding="utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no espeak-ng (nor say) to be found
    code, _, err = play(str(path), "--lead-in", "0", "--sound", "off", "--voice")
    assert code == 0 and "espeak-ng" in err
    with History(os.environ["CALFKIT_HISTORY"]) as history:
        (session,) = history.sessions(limit=5)
    assert session.voice is False


NESTED = """\
calfkit: 1
title: Nested
steps:
  - prepare: Get down.
    duration: 2s
  - repeat: 3
    steps:
      - sides: [right, left]
        steps:
          - hold: Press the {side} heel.
            duration: 3s
  - rest: 4s
"""


def test_the_step_a_stop_names_is_the_step_from_starts_at(tmp_path: Path) -> None:
    # Issue 12 item 17: "stopped at step 14 of 39" counted flat steps, and --from 14 was
    # refused. Every number a person reads is a top-level step, what --from takes.
    import io

    from calfkit import library
    from calfkit.player.events import Command
    from calfkit.sinks.plain import PlainSink
    from calfkit.testing import play_fast
    from calfkit.timeline import compile_routine

    path = tmp_path / "nested.yaml"
    path.write_text(NESTED, encoding="utf-8")
    timeline = compile_routine(library.load(path))
    out = io.StringIO()
    played = play_fast(timeline, sinks=[PlainSink(out)], keys=[(20.0, Command.QUIT)])
    assert played.outcome.step == 6  # the sixth timed step (switches count), in round 2 ...
    stop = next(line for line in out.getvalue().splitlines() if "Stopped at" in line)
    number = int(stop.split("Stopped at step ")[1].split(" of ")[0])
    assert stop.endswith("Stopped at step 2 of 3 (quit)")  # ... of top-level step 2
    code, shown, _ = play(str(path), *FAST, "--from", str(number))
    assert code == 0
    first_step = next(line for line in shown.splitlines() if "] step " in line)
    assert "step 2/3  " in first_step and "Round 1 of 3" in first_step


NO_DEVICE_BACKENDS = ["simpleaudio", "miniaudio", "system", "bell"]
PLAY_FAST = [sys.executable, "-m", "calfkit", "play", "calf-release", "--speed", "100"]
PLAY_FAST += ["--lead-in", "0"]


def _no_sound_here(tmp_path: Path) -> dict[str, str]:
    """An environment where no back end can play: ALSA has no devices, no player is on PATH,
    and (with a new session) there is no terminal to ring."""

    empty = tmp_path / "alsa.conf"
    empty.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULSE", "PIPEWIRE", "JACK"))}
    env.update(
        ALSA_CONFIG_PATH=str(empty),
        PATH=str(tmp_path / "nothing-here"),
        XDG_RUNTIME_DIR=str(tmp_path / "runtime"),
        CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
    )
    return env


# Runs calfkit with the modules named in argv[1] absent, as where an extra is not installed.
WITHOUT = """
import importlib.abc, sys
hidden = set(sys.argv[1].split(","))
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Absent())
from calfkit.cli import main
sys.argv = ["calfkit", *sys.argv[2:]]
sys.exit(main())
"""


@pytest.mark.parametrize(("backend", "module"), [("miniaudio", "miniaudio"),
                                                 ("simpleaudio", "simpleaudio")])  # fmt: skip
def test_a_named_back_end_not_installed_gives_its_install_hint_once(
    tmp_path: Path, backend: str, module: str
) -> None:
    """'not installed (pip install …). It needs miniaudio (pip install …)' said the hint twice;
    and on Python 3.12, where the simpleaudio extra installs nothing, the second told to
    install it anyway."""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, module, "play", "calf-release",
         "--sound", backend, "--plain", "--no-history"],
        env=_no_sound_here(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"calfkit: error: --sound {backend} cannot play here: not installed")
    # Each install line once; on Python 3.12 and later simpleaudio's own extra is never
    # suggested (it installs nothing there): [audio] serves instead, or simpleaudio by hand.
    hints = re.findall(r"pip install ('[^']+'|\S+)", line)
    assert hints and len(hints) == len(set(hints)), line
    if backend == "simpleaudio" and sys.version_info >= (3, 12):
        assert "'calfkit-player[simpleaudio]'" not in hints
        assert "'calfkit-player[audio]'" in hints
    assert f"It needs {module} and a working sound device;" in line


@pytest.mark.skipif(sys.platform != "linux", reason="empties ALSA's configuration")
@pytest.mark.parametrize("backend", NO_DEVICE_BACKENDS)
def test_a_named_sound_back_end_that_cannot_play_is_an_error_before_playing(
    tmp_path: Path, backend: str
) -> None:

    log = tmp_path / "events.jsonl"
    done = subprocess.run(
        [*PLAY_FAST, "--sound", backend, "--log-events", str(log)],
        env=_no_sound_here(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"calfkit: error: --sound {backend} cannot play here: ")
    assert "--sound auto takes the first that works" in done.stderr
    if backend == "simpleaudio" and sys.version_info >= (3, 12):
        # The extra installs nothing there, so the message says so instead of naming it.
        assert "calfkit-player[simpleaudio] extra leaves it out on Python 3.12" in done.stderr
        assert "`pip install simpleaudio`" in done.stderr
    elif backend in ("simpleaudio", "miniaudio"):
        assert "pip install 'calfkit-player[" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # nothing played
    assert not log.exists()
    history = subprocess.run(
        [sys.executable, "-m", "calfkit", "history", "--json"],
        env=_no_sound_here(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert history.stdout.strip() == "[]"  # no session recorded


@pytest.mark.skipif(sys.platform != "linux", reason="empties ALSA's configuration")
def test_sound_auto_still_falls_back_and_plays(tmp_path: Path) -> None:

    done = subprocess.run(
        [*PLAY_FAST, "--sound", "auto", "--no-history"],
        env=_no_sound_here(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )
    assert done.returncode == 0
    assert "sound: no sound back end works here; playing silently" in done.stderr
    assert "Finished" in done.stdout or "finished" in done.stdout


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def short(tmp_path: Path) -> str:
    path = tmp_path / "short.yaml"
    path.write_text("title: Short\nsteps:\n  - do: Go\n    duration: 1\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("speed", ["0.001", "1e-10", "1e-308"])
def test_a_speed_too_low_to_wait_for_is_a_usage_error(short: str, speed: str) -> None:
    # Before: 1e-10 ended with "playback failed: OverflowError: timestamp out of range".
    code, output = run("play", short, "--plain", "--sound", "off", "--speed", speed)
    assert code == 2, output
    assert "--speed" in output and "0.01" in output


@pytest.mark.parametrize("command", ["play", "export"])
@pytest.mark.parametrize("lead_in", ["7201", "1e308"])
def test_a_lead_in_past_two_hours_is_a_usage_error(
    short: str, tmp_path: Path, command: str, lead_in: str
) -> None:
    # Before: play counted 1e308 seconds down (and hung, printing nothing); export never ended.
    args = (
        ("play", short, "--plain", "--sound", "off", "--no-history")
        if command == "play"
        else ("export", short, str(tmp_path / "out.wav"))
    )
    code, output = run(*args, "--lead-in", lead_in)
    assert code == 2, output
    assert "--lead-in" in output and "7200" in output
    assert not (tmp_path / "out.wav").exists()


def test_the_longest_lead_in_and_the_slowest_speed_still_play(short: str) -> None:
    code, output = run(
        "play", short, "--plain", "--sound", "off", "--no-history", "--speed", "1e6",
        "--lead-in", "7200",
    )  # fmt: skip
    assert code == 0, output
    assert "Finished" in output


BLOCK_NOTES = """\
title: Block notes
steps:
  - repeat: 2
    note: Keep breathing.
    rest_between: 1
    steps:
      - do: Rise.
        duration: 2
      - do: Sink.
        duration: 2
        note: Own note.
      - sides: [right, left]
        switch: 1
        note: Knees soft on the round.
        steps:
          - hold: Lean {side}
            duration: 2
  - do: After the blocks.
    duration: 1
"""


# What each step shows under its cue, in playing order: its own note, else the nearest
# enclosing block's (the switch and the rest between rounds are their block's too).
NOTES = [
    ("Rise.", "Keep breathing."),
    ("Sink.", "Own note."),
    ("Lean right", "Knees soft on the round."),
    ("Switch to your left side", "Knees soft on the round."),
    ("Lean left", "Knees soft on the round."),
    ("Rest", "Keep breathing."),
    ("Rise.", "Keep breathing."),
    ("Sink.", "Own note."),
    ("Lean right", "Knees soft on the round."),
    ("Switch to your left side", "Knees soft on the round."),
    ("Lean left", "Knees soft on the round."),
    ("After the blocks.", None),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    made = {k: v for k, v in os.environ.items() if k != "CALFKIT_PATH"}
    made.update(
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
        CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
    )
    return made


def calfkit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_plain_lines_show_the_enclosing_blocks_note(tmp_path: Path, env: dict[str, str]) -> None:
    routine = tmp_path / "block-notes.yaml"
    routine.write_text(BLOCK_NOTES, encoding="utf-8")
    done = calfkit(env, "play", str(routine), "--plain", "--speed", "100", "--lead-in", "0",
                   "--sound", "off", "--no-history")  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line.split("] ", 1)[1] for line in done.stdout.splitlines() if line.startswith("[")]
    played: list[tuple[str, str | None]] = []
    for line in lines:
        if line.startswith("step "):
            played.append((line.split("  ", 1)[1].split(" — ")[-1].rsplit(" (", 1)[0], None))
        elif line.startswith("Note: "):
            played[-1] = (played[-1][0], line.removeprefix("Note: "))
    assert played == NOTES


@pytest.mark.parametrize("command", ["play", "export"])
def test_the_event_log_carries_each_steps_note(
    tmp_path: Path, env: dict[str, str], command: str
) -> None:
    routine = tmp_path / "block-notes.yaml"
    routine.write_text(BLOCK_NOTES, encoding="utf-8")
    log = tmp_path / "events.jsonl"
    if command == "play":
        args = ["play", str(routine), "--plain", "--speed", "100", "--no-history"]
    else:
        args = ["export", str(routine), str(tmp_path / "out.wav")]
    done = calfkit(env, *args, "--lead-in", "0", "--log-events", str(log))
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    steps = [e for e in events if e["event"] in ("step", "switch")]
    assert [(e["text"], e.get("note")) for e in steps] == NOTES


# -- one rule for outputs that fail mid-session: they stop, the session plays on ------------


def test_an_event_log_that_fills_its_disk_stops_and_the_session_plays_to_its_end(
    tmp_path: Path,
) -> None:
    from tests.fulldisk import fill, tiny_disk

    counts = tmp_path / "counts.yaml"
    counts.write_text("title: Counts\nsteps:\n  - count: 400\n    every: 0.1\n")
    with tiny_disk(tmp_path / "disk") as disk:
        log = disk / "events.jsonl"
        fill(disk, leave=8192)  # room for some of the log, not for all 400 counts
        code, out, err = play(str(counts), *FAST, "--plain", "--log-events", str(log))
        assert code == 1
        assert "[00:00] Finished" in out.splitlines()[-2]
        why = f"cannot write the event log {log}: No space left on device"
        assert err == (
            f"event log: stopped writing {log}: No space left on device; the session plays on\n"
            f"calfkit: error: {why} (the session played on without it)\n"
        )
        records = [json.loads(line) for line in log.read_text().splitlines()]  # whole lines
        assert records and records[0]["event"] == "start"


def test_a_history_that_fills_its_disk_mid_session_warns_plays_on_and_still_reads(
    tmp_path: Path,
) -> None:
    from tests.fulldisk import fill, tiny_disk

    slow = tmp_path / "slow.yaml"
    slow.write_text("title: Slow\nsteps:\n" + "  - do: Step.\n    duration: 1\n" * 4)
    with tiny_disk(tmp_path / "disk", "256k") as disk:
        env = {**os.environ, "CALFKIT_HISTORY": str(disk / "history.sqlite3")}
        args = [sys.executable, "-m", "calfkit", "play", str(slow), "--sound", "off"]
        args += ["--lead-in", "0", "--plain"]
        for _ in range(2):  # two sessions recorded while there is room
            done = subprocess.run([*args, "--speed", "100"], env=env, capture_output=True)
            assert done.returncode == 0
        session = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert session.stdout is not None
        while "step 1/4" not in session.stdout.readline():
            pass
        fill(disk)  # the disk fills while the first step plays
        out, err = session.communicate(timeout=60)
        assert session.returncode == 0  # the history is not asked for by name
        assert "[00:04] Finished" in out
        assert err == (
            f"history: stopped recording this session: {disk / 'history.sqlite3'} "
            "cannot be written: its disk is full (or failing)\n"
        )
        # Still full: the log is read as it stands, not "cannot commit - no transaction".
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", "history"], env=env, capture_output=True, text=True
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.count("finished (100x preview)") == 2
