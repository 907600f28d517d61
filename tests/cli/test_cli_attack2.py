"""What a second outside tester broke after issue 12 was closed: each case failed before its fix.

Every case runs the real program in a subprocess, on real files, and reads what it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOO_LONG = "a" * 300  # longer than any file system allows one name to be


def calfkit(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real program, with its own config folder unless ``env`` names another."""
    full = dict(os.environ)
    full.update(CALFKIT_CONFIG_DIR=str(tmp_path / "config"), COLUMNS="120")
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        env=full,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=tmp_path,
    )


FAST = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-voice")


@pytest.mark.parametrize("variable", ["CALFKIT_PATH", "CALFKIT_CONFIG_DIR"])
def test_a_search_folder_whose_name_is_too_long_is_passed_over(
    tmp_path: Path, variable: str
) -> None:
    long_folder = str(tmp_path / TOO_LONG)
    (tmp_path / "inc.yaml").write_text("title: Inc\nsteps:\n  - routine: calf-release\n")
    for args in (
        ("show", "calf-release"),
        ("play", "calf-release", *FAST, "--no-history"),
        ("validate", "calf-release", "inc.yaml"),
        ("export", "calf-release", "out.fit"),
    ):
        done = calfkit(tmp_path, *args, **{variable: long_folder})
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (tmp_path / "out.fit").stat().st_size > 0


def test_new_in_a_config_folder_whose_name_is_too_long_says_so(tmp_path: Path) -> None:
    done = calfkit(tmp_path, "new", "morning", CALFKIT_CONFIG_DIR=str(tmp_path / TOO_LONG))
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert "could not create" in done.stderr and "File name too long" in done.stderr


def test_a_dangling_link_in_a_routines_folder_is_named_once(tmp_path: Path) -> None:
    routines = tmp_path / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "gone.yaml").symlink_to(tmp_path / "moved-away.yaml")
    (routines / "mine.yaml").write_text("title: Mine\nsteps:\n  - rest: 5\n")
    done = calfkit(tmp_path, "list")
    assert done.returncode == 0
    assert "mine" in done.stdout
    warnings = [line for line in done.stderr.splitlines() if "gone.yaml" in line]
    assert warnings == [
        f"calfkit: warning: skipping {routines / 'gone.yaml'}: "
        "a symbolic link to a file that does not exist"
    ]


def test_a_search_folder_with_a_newline_is_named_on_one_line(tmp_path: Path) -> None:
    done = calfkit(tmp_path, "show", "no-such-routine", CALFKIT_PATH=f"{tmp_path}\nelse")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "no routine named 'no-such-routine'" in done.stderr


@pytest.mark.parametrize("quoted", ["1e3", "0x10", "+5"])
def test_a_quoted_number_is_never_told_to_take_a_spelling_that_is_refused_too(
    tmp_path: Path, quoted: str
) -> None:
    (tmp_path / "q.yaml").write_text(f'title: Q\nsteps:\n  - do: x\n    duration: "{quoted}"\n')
    done = calfkit(tmp_path, "validate", "q.yaml")
    assert done.returncode == 1
    assert done.stdout.startswith("q.yaml:4:15: error: ")
    # Whatever the hint says to write must be accepted.
    hint = done.stdout.split("(write ", 1)[1].split(")", 1)[0]
    spellings = [hint.removesuffix(" without quotes")] if "without" in hint else hint.split(" or ")
    for spelling in spellings:
        (tmp_path / "fixed.yaml").write_text(
            f"title: Q\nsteps:\n  - do: x\n    duration: {spelling}\n"
        )
        assert calfkit(tmp_path, "validate", "fixed.yaml").returncode == 0, spelling


def test_a_quoted_whole_number_still_offers_seconds(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text('title: Q\nsteps:\n  - do: x\n    duration: "45"\n')
    assert "(write 45 or 45s)" in calfkit(tmp_path, "validate", "q.yaml").stdout


@pytest.mark.parametrize("written", ['"5s\\n"', '"1:30\\n"', "|\n      2m\n"])
def test_a_duration_with_a_line_break_after_it_is_refused_as_the_schema_refuses_it(
    tmp_path: Path, written: str
) -> None:
    (tmp_path / "nl.yaml").write_text(f"title: N\nsteps:\n  - do: x\n    duration: {written}\n")
    done = calfkit(tmp_path, "validate", "nl.yaml")
    assert done.returncode == 1, done.stdout
    assert done.stdout.startswith("nl.yaml:4:15: error: do step: 'duration' must be a duration")


def test_show_describes_what_is_played_for_one_round_one_side_and_a_short_hold(
    tmp_path: Path,
) -> None:
    (tmp_path / "one.yaml").write_text(
        "title: One\nsteps:\n"
        "  - repeat: 1\n    rest_between: 2\n    steps:\n      - rest: 1\n"
        "  - sides: [left]\n    switch: 3\n    steps:\n      - rest: 1\n"
        "  - hold: Hold it\n    duration: 2.5\n    countdown: 5\n"
    )
    shown = calfkit(tmp_path, "show", "one.yaml")
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert "├── 1. 1s  Repeat 1 round" in lines
    assert "├── 2. 1s  Sides: left" in lines
    assert "└── 3. 2.5s  Hold, beeps for the last 2s: Hold it" in lines
    # ... which is what the player does: no rest, no switch, two beeps.
    log = tmp_path / "events.jsonl"
    played = calfkit(tmp_path, "play", "one.yaml", *FAST, "--no-history", "--log-events", str(log))
    assert played.returncode == 0, played.stderr
    events = [json.loads(line)["event"] for line in log.read_text().splitlines()]
    assert "switch" not in events
    assert events.count("countdown") == 2
    assert events.count("step") == 3


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGQUIT", 131)])
def test_an_export_ended_by_a_signal_leaves_no_part_file_and_the_old_file_whole(
    tmp_path: Path, signame: str, code: int
) -> None:
    target = tmp_path / "care.mp3"
    target.write_bytes(b"the track from last week")
    full = dict(os.environ, CALFKIT_CONFIG_DIR=str(tmp_path / "config"))
    args = ["calf-care", str(target), "--force", "--log-events", str(tmp_path / "ev.jsonl")]
    process = subprocess.Popen(
        [sys.executable, "-m", "calfkit", "export", *args],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # a hang guard only
        # Both temporary files exist before rendering starts, which takes seconds for an MP3.
        while len(list(tmp_path.glob(".*.part"))) < 2 and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(getattr(signal, signame))
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == code, err
    assert b"Traceback" not in err
    assert list(tmp_path.glob(".*.part")) == []
    assert target.read_bytes() == b"the track from last week"
    assert not (tmp_path / "ev.jsonl").exists()


# A real SIGINT, sent by the process to itself at the moment it imports one module: Ctrl-C
# in the first tens of milliseconds of a command, made to happen every time.
_CTRL_C_AT_IMPORT = """
import importlib.abc, os, runpy, signal, sys
AT = sys.argv[1]
class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == AT:
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, CtrlC())
sys.argv = ["calfkit", *sys.argv[2:]]
runpy.run_module("calfkit", run_name="__main__")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("module", ["click", "click.core"])
def test_ctrl_c_while_the_command_line_is_starting_ends_with_130_and_no_traceback(
    tmp_path: Path, module: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_AT_IMPORT, module, "list"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env=dict(os.environ, CALFKIT_CONFIG_DIR=str(tmp_path / "config")),
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 130


_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("control", list(_BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_a_bidi_override_in_routine_text_never_reaches_the_output(
    tmp_path: Path, control: str
) -> None:
    # An override left open reverses the rest of the line where a terminal lays out bidi
    # text: the title's list row would read backwards to its Source column.
    folder = tmp_path / "shared"
    folder.mkdir()
    routine = folder / "spoof.yaml"
    escape = f"\\u{ord(control):04x}"  # YAML's escape, as a file from the web may hold it
    routine.write_text(
        f'title: "Calf {escape} evil"\n'
        "steps:\n"
        f'  - do: "Heel {escape} down"\n'
        "    duration: 5\n"
        '    note: "\u05e2\u05d1\u05e8\u05d9\u05ea \u200f ok"\n'
    )
    outputs = []
    for args in (
        ("list",),
        ("show", str(routine)),
        ("play", str(routine), *FAST, "--no-history"),
        ("validate", str(routine)),
    ):
        done = calfkit(tmp_path, *args, CALFKIT_PATH=str(folder))
        assert done.returncode == 0, (args, done.stderr)
        outputs.append(done.stdout + done.stderr)
    for output in outputs:
        assert not set(_BIDI_CONTROLS) & set(output), output
    assert "Calf  evil" in outputs[0]
    # A right-to-left mark changes no state and right-to-left text may need it: it stays.
    assert "\u05e2\u05d1\u05e8\u05d9\u05ea \u200f ok" in outputs[1]
    warnings = outputs[3].splitlines()
    name = f"U+{ord(control):04X}"
    assert f"{routine}:1:8: warning: 'title' holds the control character {name}" in warnings[0]
    assert f"{routine}:3:9: warning: do step: 'do' holds the control character {name}" in outputs[3]


@pytest.mark.parametrize("typed", ["calf_release", "Calf-Release", "CALF_RELEASE"])
def test_a_mistyped_routine_name_is_not_only_no_such_file(tmp_path: Path, typed: str) -> None:
    for command in ("show", "play"):
        done = calfkit(tmp_path, command, typed, *(FAST if command == "play" else ()))
        assert done.returncode == 1
        assert done.stderr == (
            f"calfkit: error: {typed}: no such file (did you mean the routine 'calf-release'?)\n"
        )


def test_a_name_whose_file_is_in_the_current_folder_says_to_give_its_path(
    tmp_path: Path,
) -> None:
    (tmp_path / "mine.yaml").write_text("title: Mine\nsteps:\n  - rest: 5\n")
    expected = "no routine named 'mine', but ./mine.yaml is here: give its path (./mine.yaml)"
    done = calfkit(tmp_path, "show", "mine")
    assert done.returncode == 1
    assert done.stderr == f"calfkit: error: {expected} to use it\n"
    done = calfkit(tmp_path, "validate", "mine")
    assert done.returncode == 1
    assert done.stdout == f"mine:1:1: error: {expected} to use it\n"
    assert calfkit(tmp_path, "show", "./mine.yaml").returncode == 0


@pytest.mark.parametrize("name", ["123", "0", "true", "null", "0x1f", "1e3", "0o7"])
def test_a_starter_whose_name_reads_as_a_number_or_a_boolean_still_loads(
    tmp_path: Path, name: str
) -> None:
    made = calfkit(tmp_path, "new", name)
    assert made.returncode == 0, made.stderr
    checked = calfkit(tmp_path, "validate", "--strict", name)
    assert checked.stdout == f"{name}: ok\n"
    shown = calfkit(tmp_path, "show", "--json", name)
    assert json.loads(shown.stdout)["title"] == name.capitalize()


def test_including_a_routine_whose_name_reads_as_a_number_says_to_quote_it(
    tmp_path: Path,
) -> None:
    assert calfkit(tmp_path, "new", "123").returncode == 0
    (tmp_path / "outer.yaml").write_text("title: Outer\nsteps:\n  - routine: 123\n")
    done = calfkit(tmp_path, "validate", "outer.yaml")
    assert done.returncode == 1
    assert done.stdout.startswith("outer.yaml:3:14: error: routine step: 'routine' must be")
    assert done.stdout.endswith("found 123 (put it in quotes to use it as text)\n")
    # ... and quoted, as the hint says, it loads.
    (tmp_path / "outer.yaml").write_text('title: Outer\nsteps:\n  - routine: "123"\n')
    assert calfkit(tmp_path, "validate", "outer.yaml").stdout == "outer.yaml: ok\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
def test_with_stderr_closed_no_warning_lands_in_stdout(tmp_path: Path) -> None:
    routines = tmp_path / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "gone.yaml").symlink_to(tmp_path / "moved-away.yaml")  # a warning on stderr
    env = dict(os.environ, CALFKIT_CONFIG_DIR=str(tmp_path / "config"))

    def closed_stderr(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", 'exec "$0" -m calfkit "$@" 2>&-', sys.executable, *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            cwd=tmp_path,
        )

    listed = closed_stderr("list", "--json")
    assert listed.returncode == 0
    names = [entry["name"] for entry in json.loads(listed.stdout)]  # nothing but the JSON
    assert "calf-release" in names
    missing = closed_stderr("show", "no-such-routine")
    assert missing.returncode == 1
    assert missing.stdout == ""


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


@pytest.mark.parametrize(
    ("args", "written", "riff"),
    [
        (("--wav", "track.mp3"), "track.mp3", True),
        (("track.fit", "--format", "wav"), "track.fit", True),
        (("track.wav", "--format", "mp3"), "track.wav", False),
    ],
)
def test_an_export_whose_name_says_another_format_says_so(
    tmp_path: Path, args: tuple[str, ...], written: str, riff: bool
) -> None:
    done = calfkit(tmp_path, "export", "calf-release-walk", *args)
    assert done.returncode == 0, done.stderr
    extension = written.rsplit(".", 1)[1]
    kind = "WAV sound track" if riff else "MP3 sound track"
    assert done.stderr == (
        f"note: {written} is written as a {kind}, though its name ends .{extension}\n"
    )
    assert (tmp_path / written).read_bytes().startswith(b"RIFF") is riff


def test_an_export_whose_name_matches_its_format_has_no_note(tmp_path: Path) -> None:
    for args in (("t.wav",), ("t.mp3", "--format", "mp3"), ("--wav", "w.wav"), ("t.FIT",)):
        done = calfkit(tmp_path, "export", "calf-release-walk", *args)
        assert done.returncode == 0
        assert done.stderr == "", args


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_routine_linked_into_the_routines_folder_keeps_its_relative_includes(
    tmp_path: Path,
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "morning.yaml").write_text(
        "title: Morning\nsteps:\n  - routine: parts/warm-up.yaml\n  - rest: 5\n"
    )
    (dotfiles / "parts").mkdir()
    (dotfiles / "parts" / "warm-up.yaml").write_text("title: Warm-up\nsteps:\n  - rest: 30\n")
    routines = tmp_path / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "morning.yaml").symlink_to(dotfiles / "morning.yaml")
    for args in (("validate", "morning"), ("show", "morning"), ("play", "morning", *FAST)):
        done = calfkit(tmp_path, *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "Total: 35s, 2 timed steps" in calfkit(tmp_path, "show", "morning").stdout
    listed = json.loads(calfkit(tmp_path, "list", "--json").stdout)
    assert [entry["total_seconds"] for entry in listed if entry["name"] == "morning"] == [35.0]


def test_a_routine_file_whose_name_is_not_a_name_is_named_once_not_hidden(
    tmp_path: Path,
) -> None:
    routines = tmp_path / "config" / "routines"
    routines.mkdir(parents=True)
    for stem in ("Morning Stretch", "My_Routine", "ok-one"):
        (routines / f"{stem}.yaml").write_text("title: T\nsteps:\n  - rest: 3\n")
    (routines / ".hidden.yaml").write_text("title: T\nsteps:\n  - rest: 3\n")
    done = calfkit(tmp_path, "list")
    assert done.returncode == 0
    assert "ok-one" in done.stdout
    assert done.stderr.splitlines() == [
        f"calfkit: warning: skipping {routines / 'Morning Stretch.yaml'}: 'Morning Stretch' is "
        "not a routine name (lowercase letters, digits and dashes); rename it "
        "morning-stretch.yaml to use it by name",
        f"calfkit: warning: skipping {routines / 'My_Routine.yaml'}: 'My_Routine' is not a "
        "routine name (lowercase letters, digits and dashes); rename it my-routine.yaml to use "
        "it by name",
    ]
    # Completion stays quiet: a warning would land in the middle of the command line.
    completed = calfkit(
        tmp_path, COMP_WORDS="calfkit play ", COMP_CWORD="2", _CALFKIT_COMPLETE="bash_complete"
    )
    assert completed.stderr == ""
    assert "plain,ok-one" in completed.stdout.splitlines()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
@pytest.mark.parametrize("language", ["zz", "zz-yy"])
def test_an_export_in_a_language_espeak_ng_has_no_voice_for_says_which(
    tmp_path: Path, language: str
) -> None:
    (tmp_path / "lang.yaml").write_text(
        f"title: Lang\nlanguage: {language}\nsteps:\n  - do: Hallo\n    duration: 3\n"
    )
    done = calfkit(tmp_path, "export", "lang.yaml", "lang.wav", "--voice")
    assert done.returncode == 1
    assert done.stderr == (
        f"calfkit: error: voice: espeak-ng has no voice for the language '{language}' (the "
        "routine's language:); install one, or write another language\n"
    )
    assert not (tmp_path / "lang.wav").exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")] == []
