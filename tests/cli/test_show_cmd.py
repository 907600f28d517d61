"""``calfkit show``: the tree of steps with times and the total, ``--json``, and errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from tests.program import calfkit

EVERY_KIND = """\
calfkit: 1
title: Every Kind
description: One of each step.
equipment: [a wall, a roller]
caution: Be gentle.
steps:
  - prepare: Set up the roller.
    duration: ready
  - do: Rise.
    duration: 4s
    name: lift
    note: Slowly.
  - hold: Stay.
    duration: 1m30s
  - count: 10
    every: 1.5s
    cue: Lower.
  - breathe: 1
  - repeat: 2
    rest_between: 5s
    steps:
      - rest: 3s
  - sides: [right, left]
    switch: 0
    steps:
      - hold: Lean on the {side} side.
        duration: 20s
        countdown: 0
        note: Feel the {other_side} foot.
      - rest: 1s
        cue: Same on both sides.
  - routine: part.yaml
"""
PART = "title: A Part\nsteps:\n  - rest: 10s\n    cue: Lie still.\n"

EVERY_KIND_TREE = """\
Every Kind (every-kind)
One of each step.
Equipment: a wall, a roller
Caution: Be gentle.
Steps (play --from N starts at step N)
├── 1. until ready (15s)  Prepare: Set up the roller.
├── 2. 4s  Do [lift]: Rise.
│   Slowly.
├── 3. 1m 30s  Hold, beeps for the last 3s: Stay.
├── 4. 15s  Count 10, every 1.5s: Lower.
├── 5. 10s  Breathe 1 breath (4s in, 6s out)
├── 6. 11s  Repeat 2 rounds, 5s rest between
│   └── 3s  Rest: Rest
├── 7. 42s  Sides: right then left
│   ├── 20s  Hold:
│   │   Right: Lean on the right side.
│   │   Left: Lean on the left side.
│   │   Right: Feel the left foot.
│   │   Left: Feel the right foot.
│   └── 1s  Rest: Same on both sides.
└── 8. 10s  Routine part.yaml: A Part
    └── 10s  Rest: Lie still.
Total: 3m 17s, 13 timed steps (steps that wait for Enter counted as the time each shows)
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


@pytest.fixture
def every_kind(home: Path) -> Path:
    (home / "part.yaml").write_text(PART, encoding="utf-8")
    path = home / "every-kind.yaml"
    path.write_text(EVERY_KIND, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def test_show_prints_every_step_with_its_time_and_the_total(every_kind: Path) -> None:
    assert run("show", str(every_kind)) == (0, EVERY_KIND_TREE, "")


def test_show_json_has_the_total_and_every_step(every_kind: Path) -> None:
    code, out, err = run("show", str(every_kind), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {k: data[k] for k in ("name", "title", "total_seconds", "step_count")} == {
        "name": "every-kind",
        "title": "Every Kind",
        "total_seconds": 197.0,
        "step_count": 13,
    }
    assert [step["kind"] for step in data["steps"]] == [
        "prepare",
        "do",
        "hold",
        "count",
        "breathe",
        "repeat",
        "sides",
        "routine",
    ]
    assert sum(step["seconds"] for step in data["steps"]) == data["total_seconds"]
    assert data["steps"][0] == {
        "kind": "prepare",
        "seconds": 15.0,
        "text": "Set up the roller.",
        "until_ready": True,
    }
    assert data["steps"][6]["steps"] == [
        {
            "kind": "hold",
            "seconds": 20.0,
            "text": "Lean on the {side} side.",
            "countdown": 0,
            "as_played": {"right": "Lean on the right side.", "left": "Lean on the left side."},
            "note": "Feel the {other_side} foot.",
            "note_as_played": {"right": "Feel the left foot.", "left": "Feel the right foot."},
        },
        {"kind": "rest", "seconds": 1.0, "cue": "Same on both sides."},
    ]
    assert data["steps"][7]["steps"] == [{"kind": "rest", "seconds": 10.0, "cue": "Lie still."}]


def test_show_finds_a_routine_by_name_in_the_user_folder(home: Path) -> None:
    folder = home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text("title: Mine\nsteps:\n  - rest: 1m\n")
    assert run("show", "mine") == (
        0,
        "Mine (mine)\nSteps (play --from N starts at step N)\n└── 1. 1m  Rest: Rest\n"
        "Total: 1m, 1 timed step\n",
        "",
    )


def test_show_an_unknown_name_fails_with_a_hint(home: Path) -> None:
    code, out, err = run("show", "calf-relese")
    assert (code, out) == (1, "")
    assert err.startswith(
        "calfkit: error: no routine named 'calf-relese' (did you mean 'calf-release'?)"
    )


def test_show_an_invalid_file_prints_every_problem_with_its_position(home: Path) -> None:
    path = home / "bad.yaml"
    path.write_text("title: Bad\nsteps:\n  - rest: 0\n  - do: Go.\n    duration: -1\n")
    code, out, err = run("show", str(path))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:3:")
    assert lines[1].startswith(f"{path}:5:")


def test_show_a_missing_file_fails(home: Path) -> None:
    assert run("show", str(home / "nothing.yaml")) == (
        1,
        "",
        f"calfkit: error: {home / 'nothing.yaml'}: no such file\n",
    )


def test_show_without_a_routine_is_a_usage_error(home: Path) -> None:
    code, _, err = run("show")
    assert code == 2 and "Missing argument 'ROUTINE'" in err


def test_routine_names_complete_from_every_folder(home: Path) -> None:
    from click.shell_completion import ShellComplete

    folder = home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "calf-mine.yaml").write_text("title: Mine\nsteps:\n  - rest: 1m\n")
    complete = ShellComplete(cli, {}, "calfkit", "_CALFKIT_COMPLETE")
    names = [item.value for item in complete.get_completions(["show"], "calf-re")]
    assert names == ["calf-release", "calf-release-walk"]
    names = [item.value for item in complete.get_completions(["show"], "calf-m")]
    assert names == ["calf-mine"]
    paths = complete.get_completions(["show"], "./my")
    assert [(item.value, item.type) for item in paths] == [("./my", "file")]


def test_bash_completion_of_a_routine_name_through_the_real_entry_point(home: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "_CALFKIT_COMPLETE": "bash_complete",
        "COMP_WORDS": "calfkit show hip-",
        "COMP_CWORD": "2",
    }
    script = "from calfkit.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "plain,hip-to-heel-press\n", "")


def test_the_readme_example_routine_is_valid_and_shows(home: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example.startswith("# yaml-language-server: $schema=./calfkit.schema.json\n")
    folder = home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "evening-calves.yaml").write_text(example, encoding="utf-8")
    code, out, err = run("show", "evening-calves")
    assert (code, err) == (0, "")
    assert out.startswith("Evening Calves (evening-calves)\n")
    assert "├── 5. 2m 55s  Routine calf-release-walk: Calf Release Walk\n" in out
    assert out.endswith(
        "Total: 7m 22s, 25 timed steps (steps that wait for Enter counted as the time each shows)\n"
    )


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_show_into_a_closed_pipe_ends_quietly_with_success(home: Path, extra: list[str]) -> None:
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", "show", "calf-care", *extra],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def _readme_completion_line(shell: str) -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (line,) = [
        line.split("#")[0].strip()
        for line in readme.splitlines()
        if f"_CALFKIT_COMPLETE={shell}_source" in line
    ]
    return line


def _shell_env(home: Path) -> dict[str, str]:
    import os
    import sysconfig

    # The installed calfkit script, found the way a user's shell finds it: on PATH.
    scripts = sysconfig.get_path("scripts")
    return {
        **os.environ,
        "PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(home),
    }


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_the_readme_zsh_completion_line_loads_in_a_bare_zsh_after_compinit(home: Path) -> None:
    import subprocess

    line = _readme_completion_line("zsh")
    script = f"autoload -Uz compinit && compinit -u && {line} && print -r -- $_comps[calfkit]"
    done = subprocess.run(
        ["zsh", "-f", "-c", script],
        env=_shell_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "_calfkit_completion\n", "")


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_the_readme_fish_completion_line_completes_a_routine_name(home: Path) -> None:
    import subprocess

    line = _readme_completion_line("fish")
    script = f"{line}; complete -C 'calfkit show hip-'"
    done = subprocess.run(
        ["fish", "--no-config", "-c", script],
        env=_shell_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split("\\t")[0].strip() == "hip-to-heel-press"


def test_the_total_of_a_one_step_routine_says_one_timed_step(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text("title: One\nsteps:\n- rest: 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["show", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Total: 1s, 1 timed step"


FAST = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-voice")


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


ROUNDS = """\
title: Rounds
steps:
  - repeat: 2
    steps:
      - sides: [right, left]
        switch: 0
        steps:
          - hold: Leaf {round} {side}
            duration: 2
            countdown: 0
            note: Round {round} of {rounds}.
  - repeat: 5
    steps:
      - do: Lift {round} of {rounds}
        duration: 1
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    made = {k: v for k, v in os.environ.items() if k not in ("CALFKIT_PATH", "COLUMNS")}
    made.update(
        CALFKIT_CONFIG_DIR=str(tmp_path / "config"),
        CALFKIT_HISTORY=str(tmp_path / "history.sqlite"),
        COLUMNS="100",
    )
    return made


@pytest.fixture
def routine(tmp_path: Path) -> str:
    path = tmp_path / "rounds.yaml"
    path.write_text(ROUNDS, encoding="utf-8")
    return str(path)


def stdout_of(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


def test_show_fills_round_and_rounds_in_cues_and_notes(routine: str, env: dict[str, str]) -> None:
    out = stdout_of(env, "show", routine)
    assert "{round" not in out
    assert out.splitlines()[2:] == [
        "├── 1. 8s  Repeat 2 rounds",
        "│   └── 4s  Sides: right then left",
        "│       └── 2s  Hold:",
        "│           Round 1, right: Leaf 1 right",
        "│           Round 1, left: Leaf 1 left",
        "│           Round 2, right: Leaf 2 right",
        "│           Round 2, left: Leaf 2 left",
        "│           Round 1: Round 1 of 2.",
        "│           Round 2: Round 2 of 2.",
        "└── 2. 5s  Repeat 5 rounds",  # more than three rounds: the first two, …, the last
        "    └── 1s  Do:",
        "        Round 1: Lift 1 of 5",
        "        Round 2: Lift 2 of 5",
        "        …",
        "        Round 5: Lift 5 of 5",
        "Total: 13s, 9 timed steps",
    ]


def test_show_json_gives_every_round_as_played(
    routine: str, env: dict[str, str], tmp_path: Path
) -> None:
    data = json.loads(stdout_of(env, "show", routine, "--json"))
    hold = data["steps"][0]["steps"][0]["steps"][0]
    assert "as_played" not in hold  # "Leaf {round} right" would not be what is played
    assert hold["as_played_by_round"] == [
        {"right": "Leaf 1 right", "left": "Leaf 1 left"},
        {"right": "Leaf 2 right", "left": "Leaf 2 left"},
    ]
    assert hold["note_as_played_by_round"] == ["Round 1 of 2.", "Round 2 of 2."]
    lift = data["steps"][1]["steps"][0]

    # What show says is what is played, cue for cue.
    log = tmp_path / "events.jsonl"
    stdout_of(env, "play", routine, "--plain", "--speed", "100", "--lead-in", "0",
            "--sound", "off", "--no-history", "--log-events", str(log))  # fmt: skip
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    played = [event["text"] for event in events if event["event"] == "step"]
    shown = [text for sides in hold["as_played_by_round"] for text in sides.values()]
    assert played == shown + lift["as_played_by_round"]


REPS_TREE = (
    "Heel raises at a tempo (reps)\n"
    "Rise quickly, pause at the top, lower slowly; then a set with every default.\n"
    "Steps (play --from N starts at step N)\n"
    "├── 1. 5s  Prepare: Stand on the edge of a step, heels free.\n"
    "├── 2. 30s  Reps 6: 1s up, 1s at the top, 3s down [Slow lowering]: Rise onto your toes, "
    "pause, then \n"  # rich wraps the line here, leaving the space
    "│   lower your heels slowly.\n"
    "│   Hold the rail for balance.\n"
    "├── 3. 30s  Rest: Rest\n"
    "├── 4. 50s  Sides: right then left, 5s to switch\n"
    "│   └── 22.5s  Reps 5: 2s up, 2s down, 0.5s at the bottom:\n"
    "│       Right: Raise the right heel only.\n"
    "│       Left: Raise the left heel only.\n"
    "└── 5. 4s  Reps 1: 2s up, 2s down\n"
    "Total: 1m 59s, 7 timed steps\n"
)
REPS = Path(__file__).parent.parent / "routines" / "good" / "reps.yaml"


def test_show_prints_a_reps_step_with_its_tempo(home: Path) -> None:
    assert run("show", str(REPS)) == (0, REPS_TREE, "")


def test_show_json_has_a_reps_steps_count_and_tempo(home: Path) -> None:
    code, out, err = run("show", str(REPS), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["total_seconds"], data["step_count"]) == (119.0, 7)
    assert data["steps"][1] == {
        "kind": "reps",
        "seconds": 30.0,
        "name": "Slow lowering",
        "reps": 6,
        "up": 1.0,
        "top": 1.0,
        "down": 3.0,
        "bottom": 0.0,
        "cue": "Rise onto your toes, pause, then lower your heels slowly.",
        "note": "Hold the rail for balance.",
    }
    assert data["steps"][3]["steps"][0]["as_played"] == {
        "right": "Raise the right heel only.",
        "left": "Raise the left heel only.",
    }


PLACEHOLDERS = """\
title: Every filled-in text
steps:
  - repeat: 2
    steps:
      - sides: [right, left]
        steps:
          - hold: "Round {round}: the {side} calf"
            duration: 5
            note: "Round {round}, {side} side"
  - sides: [right, left]
    steps:
      - do: Roll the {side} calf.
        duration: 5
        note: The {other_side} leg rests.
"""


def documented_fields(section: str) -> list[set[str]]:
    """The field names in each table of ``section`` of docs/json.md (backticked, first column)."""
    import re

    guide = (Path(__file__).resolve().parents[2] / "docs" / "json.md").read_text(encoding="utf-8")
    text = guide.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    tables: list[set[str]] = []
    for block in re.split(r"\n\n+", text):
        rows = [line for line in block.splitlines() if line.startswith("| `")]
        if rows:
            tables.append(
                {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}
            )
    return tables


def test_show_json_fields_are_each_documented_in_docs_json(every_kind: Path, home: Path) -> None:
    placeholders = home / "placeholders.yaml"
    placeholders.write_text(PLACEHOLDERS, encoding="utf-8")
    top: set[str] = set()
    steps: set[str] = set()

    def walk(items: list[dict[str, object]]) -> None:
        for item in items:
            steps.update(item)
            walk(item.get("steps", []))  # type: ignore[arg-type]

    for path in (every_kind, placeholders, REPS):
        code, out, _ = run("show", str(path), "--json")
        data = json.loads(out)
        assert code == 0 and data["format_version"] == 1
        top.update(data)
        walk(data["steps"])
    routine_table, step_table = documented_fields("`calfkit show ROUTINE --json`")
    assert top == routine_table
    assert steps == step_table
