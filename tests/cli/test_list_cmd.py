"""``calfkit list``: the table, ``--json``, ``--tag``, shadowing, broken routines, pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.library import builtin_routines_dir

BUILTIN_ROWS = """\
calf-care           Calf Care Session         26m 49s    114  built-in  never
calf-release        Calf Release at the Wall   4m 50s     34  built-in  never
calf-release-walk   Calf Release Walk          2m 55s      9  built-in  never
calf-self-massage   Calf Self-Massage           6m 3s     17  built-in  never
foam-roll-calf      Foam Roll the Calf        11m 18s     38  built-in  never
hip-to-heel-press   Hip to Heel Press          3m 40s     21  built-in  never
rolled-mat-stretch  Rolled Mat Calf Stretch    2m 51s      8  built-in  never
"""
MINE = "title: {title}\ntags: [mine]\nsteps:\n  - hold: Stay.\n    duration: 90s\n"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "history.sqlite3"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def user_routine(home: Path, name: str, text: str) -> Path:
    folder = home / "config" / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def squeeze(line: str) -> str:
    """A table row with its column padding collapsed to single spaces."""
    return " ".join(line.split())


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def test_list_prints_a_table_of_the_builtin_routines(home: Path) -> None:
    code, out, err = run("list")
    header = "Name                Title                        Time  Steps  Source    Last done\n"
    assert (code, out, err) == (0, header + BUILTIN_ROWS, "")


def test_list_shows_a_user_routine_that_shadows_a_builtin(home: Path) -> None:
    user_routine(home, "calf-release", MINE.format(title="My own release"))
    user_routine(home, "extra", MINE.format(title="Extra"))
    code, out, err = run("list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["Name", "Title", "Time", "Steps", "Source", "Last", "done"]
    assert squeeze(lines[2]) == (
        "calf-release My own release 1m 30s 1 user (shadows built-in) never"
    )
    extra = next(line for line in lines if line.startswith("extra"))
    assert squeeze(extra) == "extra Extra 1m 30s 1 user never"
    assert len(lines) == 1 + 8


def test_list_json_gives_name_title_total_and_source(home: Path) -> None:
    mine = user_routine(home, "calf-release", MINE.format(title="Mine"))
    code, out, err = run("list", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert [entry["name"] for entry in data] == [
        line.split()[0] for line in BUILTIN_ROWS.splitlines()
    ]
    assert data[1] == {
        "format_version": 1,
        "name": "calf-release",
        "title": "Mine",
        "total_seconds": 90.0,
        "step_count": 1,
        "tags": ["mine"],
        "source": "user",
        "path": str(mine),
        "shadows": [
            {"source": "built-in", "path": str(builtin_routines_dir() / "calf-release.yaml")}
        ],
        "error": None,
        "last_done": None,
    }
    # calf-care includes calf-release by name, so it now plays (and times) the user's one.
    assert data[0]["name"] == "calf-care" and data[0]["source"] == "built-in"
    assert data[0]["total_seconds"] == 1609.0 - 290.0 + 90.0


def test_list_names_calfkit_path_as_the_source(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = home / "shared"
    shared.mkdir()
    (shared / "team-routine.yaml").write_text(MINE.format(title="Team"))
    monkeypatch.setenv("CALFKIT_PATH", str(shared))
    code, out, _ = run("list", "--json")
    assert code == 0
    entry = next(e for e in json.loads(out) if e["name"] == "team-routine")
    assert (entry["source"], entry["path"]) == ("CALFKIT_PATH", str(shared / "team-routine.yaml"))


def test_list_tag_keeps_only_routines_with_that_tag(home: Path) -> None:
    code, out, err = run("list", "--tag", "foam-roller")
    assert code == 0 and err == ""
    assert [squeeze(line) for line in out.splitlines()[1:]] == [
        "foam-roll-calf Foam Roll the Calf 11m 18s 38 built-in never"
    ]
    code, out, _ = run("list", "--tag", "hamstring", "--json")
    assert [entry["name"] for entry in json.loads(out)] == [
        "hip-to-heel-press",
        "rolled-mat-stretch",
    ]


def test_list_with_an_unknown_tag_says_so_names_the_tags_in_use_and_succeeds(home: Path) -> None:
    user_routine(home, "mine", MINE.format(title="Mine"))
    code, out, err = run("list", "--tag", "nope")
    assert (code, out) == (0, "")
    assert err.startswith("No routines with the tag 'nope' (the tags in use: awareness, calf, ")
    assert err.endswith(
        ", mine, release, roller, self-care, self-massage, session, standing, stretch, walking).\n"
    )
    assert run("list", "--tag", "nope", "--json") == (0, "[]\n", "")


@pytest.mark.parametrize("tag", ["", "Foam", "foam roller", "-x"])
def test_list_tag_that_cannot_be_a_tag_is_a_usage_error(home: Path, tag: str) -> None:
    # '' listed nothing and said "No routines found.", as if the library were empty.
    code, out, err = run("list", "--tag", tag)
    assert (code, out) == (2, "")
    assert f"Invalid value for '--tag': {tag!r} is not a tag: tags are lowercase" in err


def test_an_invalid_user_routine_is_listed_as_invalid_with_a_warning(home: Path) -> None:
    path = user_routine(home, "broken", "title: Broken\nsteps:\n  - rest: 5s\nstepz: []\n")
    code, out, err = run("list")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("broken"))
    assert row.split()[:4] == ["broken", "invalid:", "line", "4:"]
    assert row.split()[-4:] == ["-", "-", "user", "never"]
    assert err.startswith(f"calfkit: warning: {path}: invalid routine (line 4: ")
    assert err.endswith(f"`calfkit validate {path}` lists every problem\n")
    code, out, _ = run("list", "--json")
    entry = next(e for e in json.loads(out) if e["name"] == "broken")
    assert entry["title"] is None and entry["error"].startswith("line 4: ")


def test_list_in_a_narrow_terminal_shortens_titles_with_an_ellipsis(home: Path) -> None:
    result = CliRunner().invoke(cli, ["list"], env={"COLUMNS": "70"})
    lines = result.stdout.splitlines()
    assert lines[0] == "Name                Title             Time  Steps  Source    Last done"
    assert lines[1] == "calf-care           Calf Care Se…  26m 49s    114  built-in  never"
    assert lines[2] == "calf-release        Calf Release…   4m 50s     34  built-in  never"
    assert max(len(line) for line in lines) <= 70


def test_list_colours_the_table_only_when_asked_or_on_a_terminal(home: Path) -> None:
    coloured = CliRunner().invoke(cli, ["list"], env={"COLUMNS": "100", "FORCE_COLOR": "1"})
    lines = coloured.stdout.splitlines()
    assert lines[0].startswith("\x1b[1mName\x1b[0m                \x1b[1mTitle\x1b[0m")
    assert lines[1].startswith("\x1b[1;36mcalf-care\x1b[0m           Calf Care Session")
    plain = CliRunner().invoke(
        cli, ["list"], env={"COLUMNS": "100", "FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert "\x1b" not in plain.stdout


def test_list_aligns_wide_characters_by_their_width_on_screen(home: Path) -> None:
    user_routine(home, "zen", MINE.format(title="ふくらはぎ release"))
    lines = run("list")[1].splitlines()
    zen = next(line for line in lines if line.startswith("zen"))
    # Each kana takes two columns, so the title gets 6 columns of padding, not 11.
    assert (
        zen
        == "zen" + " " * 17 + "ふくらはぎ release" + " " * 6 + "   1m 30s      1  user      never"
    )


def test_list_help_explains_the_options(home: Path) -> None:
    code, out, _ = run("list", "--help")
    assert code == 0
    assert "--json" in out and "--tag TAG" in out and "shadows" in out


def test_list_piped_into_head_ends_quietly(home: Path) -> None:
    env = {**os.environ, "COLUMNS": "100"}
    shell = f"{sys.executable} -m calfkit list | head -1; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, env=env, timeout=60
    )
    assert (done.returncode, done.stdout.split(), done.stderr) == (
        0,
        ["Name", "Title", "Time", "Steps", "Source", "Last", "done"],
        "",
    )


def test_list_into_a_closed_pipe_ends_quietly_with_success(home: Path) -> None:
    # The reader is gone before calfkit writes: the first write fails with EPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_list_says_when_each_routine_was_last_finished(home: Path) -> None:
    from datetime import timezone

    from calfkit.library import load_ref
    from calfkit.player.engine import Player
    from calfkit.sinks.history import HistorySink
    from calfkit.testing import FakeClock
    from calfkit.timeline import compile_routine

    sink = HistorySink("off", False, lambda message: None)
    Player(compile_routine(load_ref("hip-to-heel-press")), clock=FakeClock(), sinks=[sink]).run()
    code, out, err = run("list")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: squeeze(line) for line in out.splitlines()[1:]}
    assert rows["hip-to-heel-press"].endswith(" built-in today")
    assert rows["calf-release"].endswith(" built-in never")
    data = {entry["name"]: entry for entry in json.loads(run("list", "--json")[1])}
    finished = datetime.fromisoformat(data["hip-to-heel-press"]["last_done"])
    assert finished.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - finished).total_seconds() < 60
    assert data["calf-release"]["last_done"] is None


def test_list_json_fields_are_the_ones_docs_json_documents(home: Path) -> None:
    import re

    guide = (Path(__file__).resolve().parents[2] / "docs" / "json.md").read_text(encoding="utf-8")
    section = guide.split("## `calfkit list --json`\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)`", section, re.M))
    user_routine(home, "calf-release", MINE.format(title="Mine"))
    code, out, _ = run("list", "--json")
    assert code == 0
    for entry in json.loads(out):
        assert entry["format_version"] == 1
        assert set(entry) == documented, entry["name"]


def test_list_into_a_pipe_never_cuts_a_title(home: Path, tmp_path: Path) -> None:
    title = "A title long enough that eighty columns could never hold the whole of it, at all"
    user_routine(home, "long-title", MINE.format(title=title))
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("long-title"))
    assert title in line and len(line) > 100


def test_list_gives_up_on_files_that_fan_out_and_lists_the_rest_of_the_folder(
    tmp_path: Path,
) -> None:
    from tests.program import calfkit

    # l0 ... l8, each 300 includes of the next: list ran for minutes on such a folder (every
    # user of a shared folder with one such file waited). Now the files past the limit are
    # invalid, each with its reason, and the others are listed as ever.
    folder = tmp_path / "shared"
    folder.mkdir()
    for k in range(9):
        last = k == 8
        steps = "  - rest: 0.1\n" if last else f"  - routine: ./l{k + 1}.yaml\n" * 300
        (folder / f"l{k}.yaml").write_text(f"title: Level {k}\nsteps:\n{steps}", "utf-8")
    result = calfkit(tmp_path, "list", "--json", CALFKIT_PATH=str(folder))  # timeout: a guard
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    reason = "routine step: with this step's 90,000 timed events, the steps here come to 180,000"
    for k in range(6):
        assert reason in rows[f"l{k}"]["error"], rows[f"l{k}"]
    assert [rows[f"l{k}"]["title"] for k in (6, 7, 8)] == ["Level 6", "Level 7", "Level 8"]


@pytest.mark.parametrize(
    ("title", "shown", "columns"),
    [
        ("\u2764\ufe0f Heart", "\u2764\ufe0f Heart", 8),  # emoji form: the heart takes 2
        ("\u1112\u1161\u11ab\u1100\u1173\u11af", "\u1112\u1161\u11ab\u1100\u1173\u11af", 4),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 family", None, 9),
    ],
    ids=["vs16", "hangul-jamo", "family"],
)
def test_list_columns_hold_for_emoji_and_jamo(
    home: Path, title: str, shown: str | None, columns: int
) -> None:
    user_routine(home, "zen", MINE.format(title=title))
    lines = run("list")[1].splitlines()
    zen = next(line for line in lines if line.startswith("zen"))
    width = 24  # the title column, as wide as its longest title ("ふくらはぎ release" above)
    assert (
        zen
        == "zen" + " " * 17 + title + " " * (width - columns) + "   1m 30s      1  user      never"
    )


def test_a_long_family_emoji_title_is_cut_between_emoji_never_inside_one(home: Path) -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    user_routine(home, "zen", MINE.format(title=family * 10))  # 70 characters, 20 columns
    result = CliRunner().invoke(cli, ["list"], env={"COLUMNS": "70"})
    zen = next(line for line in result.stdout.splitlines() if line.startswith("zen"))
    title = zen[20:].split("…")[0]
    assert title == family * (len(title) // len(family))  # whole emoji only
    assert len(title) // len(family) == 6  # 12 columns of title, less the ellipsis: 6 emoji
