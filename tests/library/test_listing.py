"""Every routine found, as ``list`` shows it: a bad file, a dangling link or a symlink loop
is named once and hides nothing else; the summary cache never reads past the limits."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from calfkit import library
from calfkit.library import Source
from tests.program import calfkit


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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def test_list_lists_everything_else_and_marks_the_bad_files(isolated: Path) -> None:
    folder = isolated / "config" / "routines"
    write(folder / "good.yaml", "title: Good\nsteps: [{rest: 1}]\n")
    write(folder / "big.yaml", "title: T\nsteps:\n  - count: " + "1" * 4301 + "\n")
    write(
        folder / "tag.yaml", "title: T\nsteps:\n  - sides: [!!str right]\n    steps: [{rest: 1}]\n"
    )
    write(folder / "inc.yaml", "title: T\nsteps:\n  - routine: " + "a" * 300 + ".yaml\n")
    found = {entry.name: entry for entry in library.available()}
    assert found["good"].ok and found["calf-release"].ok
    assert "is too large" in (found["big"].error or "")
    assert "YAML tags" in (found["tag"].error or "")
    assert "name too long" in (found["inc"].error or "")


def test_a_symlink_loop_hides_only_itself_and_is_said_once(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = isolated / "config" / "routines"
    write(folder / "good.yaml", "title: Good\nsteps: [{rest: 1}]\n")
    os.symlink("loop.yaml", folder / "loop.yaml")
    assert "good" in library.names()
    assert "good" in {entry.name for entry in library.available()}
    with pytest.raises(
        library.RoutineNotFound if hasattr(library, "RoutineNotFound") else Exception
    ) as caught:
        library.find("godo")
    assert "did you mean 'good'?" in str(caught.value)
    err = capsys.readouterr().err
    assert err.count("calfkit: warning: skipping") == 1
    assert f"{folder / 'loop.yaml'}: a loop of symbolic links" in err


def test_the_list_cache_never_reads_a_routine_grown_past_the_limit(isolated: Path) -> None:
    path = write(isolated / "config" / "routines" / "grows.yaml", "title: G\nsteps: [{rest: 1}]\n")
    assert {entry.name for entry in library.available() if entry.ok} >= {"grows"}
    with open(path, "r+b") as file:
        file.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    try:
        found = {entry.name: entry for entry in library.available()}
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than 256 KiB" in (found["grows"].error or "")
    assert peak < 16 * 1024 * 1024, peak  # nothing near the file's 64 MiB was read


ROUTINE = """\
calfkit: 1
title: {title}
tags: [{tag}]
steps:
  - prepare: Get ready.
    duration: 5s
  - repeat: 2
    rest_between: 3s
    steps:
      - do: Rise.
        duration: 4s
      - count: 10
"""


BUILTINS = sorted(path.stem for path in library.builtin_routines_dir().glob("*.yaml"))


def write_routine(folder: Path, name: str, title: str = "A routine", tag: str = "test") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(ROUTINE.format(title=title, tag=tag), encoding="utf-8")
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty calfkit config folder, no CALFKIT_PATH and a private cache."""
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def test_available_summarises_every_routine_with_its_source(home: Path) -> None:
    mine = write_routine(home / "config" / "routines", "my-legs.yaml", title="My legs", tag="legs")
    found = {entry.name: entry for entry in library.available()}
    assert sorted(found) == sorted([*BUILTINS, "my-legs"])
    assert found["my-legs"] == library.Found(
        name="my-legs",
        source=Source.USER,
        path=mine,
        title="My legs",
        total_seconds=5 + 2 * (4 + 10) + 3,
        step_count=1 + 2 * 2 + 1,
        tags=("legs",),
    )
    assert found["calf-release"].source is Source.BUILTIN
    assert found["calf-release"].shadows == ()


def test_available_marks_a_shadowing_routine_with_what_it_hides(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = write_routine(home / "config" / "routines", "calf-release.yaml", title="Mine")
    shared = write_routine(home / "shared", "calf-release.yaml", title="Shared")
    monkeypatch.setenv("CALFKIT_PATH", str(home / "shared"))
    entry = next(e for e in library.available() if e.name == "calf-release")
    assert (entry.source, entry.path, entry.title) == (Source.USER, mine, "Mine")
    assert entry.shadows == (
        library.Shadowed(Source.PATH, shared),
        library.Shadowed(Source.BUILTIN, library.builtin_routines_dir() / "calf-release.yaml"),
    )


def test_an_invalid_routine_is_listed_with_its_first_problem(home: Path) -> None:
    folder = home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("title: Broken\nsteps:\n  - rest: 5s\nstepz: []\n")
    entry = next(e for e in library.available() if e.name == "broken")
    assert entry.ok is False
    assert entry.title is None and entry.total_seconds is None
    assert entry.error is not None and entry.error.startswith("line 4: ")
    assert "stepz" in entry.error and "more)" not in entry.error


def test_a_problem_in_an_included_file_is_listed_with_that_files_name(home: Path) -> None:
    folder = home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "outer.yaml").write_text("title: Outer\nsteps:\n  - routine: parts/inner.yaml\n")
    (folder / "parts").mkdir()
    inner = folder / "parts" / "inner.yaml"
    inner.write_text("title: Inner\nsteps:\n  - rest: 5s\n  - rest: 0\n")
    entry = next(e for e in library.available() if e.name == "outer")
    assert entry.error == (
        f"{inner} line 4: rest step: 'rest' must be more than 0 seconds; found 0"
    )


def test_the_summary_cache_sees_an_edit(home: Path) -> None:
    path = write_routine(home / "config" / "routines", "mine.yaml", title="Before")
    assert next(e for e in library.available() if e.name == "mine").title == "Before"
    assert (home / "cache" / "summaries.json").is_file()
    path.write_text(path.read_text().replace("Before", "After!"))
    assert next(e for e in library.available() if e.name == "mine").title == "After!"


def test_the_summary_cache_sees_an_edit_to_an_included_routine(home: Path) -> None:
    folder = home / "config" / "routines"
    part = write_routine(folder, "part.yaml")
    (folder / "whole.yaml").write_text(
        "title: Whole\nsteps:\n  - routine: part\n  - rest: 10s\n", encoding="utf-8"
    )
    before = next(e for e in library.available() if e.name == "whole").total_seconds
    assert before == 5 + 2 * (4 + 10) + 3 + 10
    part.write_text(part.read_text().replace("duration: 5s", "duration: 50s"))
    after = next(e for e in library.available() if e.name == "whole").total_seconds
    assert after == before + 45


def test_the_summary_cache_sees_a_new_file_that_changes_what_a_name_finds(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = home / "config" / "routines"
    write_routine(home / "shared", "part.yaml")
    monkeypatch.setenv("CALFKIT_PATH", str(home / "shared"))
    folder.mkdir(parents=True)
    (folder / "whole.yaml").write_text("title: Whole\nsteps:\n  - routine: part\n")
    assert next(e for e in library.available() if e.name == "whole").total_seconds == 36
    (folder / "part.yaml").write_text("title: Part\nsteps:\n  - rest: 7s\n")
    assert next(e for e in library.available() if e.name == "whole").total_seconds == 7


def test_a_damaged_cache_is_ignored(home: Path) -> None:
    (home / "cache").mkdir()
    (home / "cache" / "summaries.json").write_text("{not json")
    assert {e.name for e in library.available()} == set(BUILTINS)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_cache_file_that_is_not_a_regular_file_is_passed_over_not_read_for_ever(
    tmp_path: Path, kind: str
) -> None:
    """`list` read summaries.json whatever it was: a FIFO waited for a writer for ever, and a
    link to /dev/zero read without end. Now the cache starts afresh and replaces it."""
    import subprocess

    cache = tmp_path / "cache"
    cache.mkdir()
    if kind == "fifo":
        os.mkfifo(cache / "summaries.json")
    else:
        (cache / "summaries.json").symlink_to("/dev/zero")
    try:
        done = calfkit(tmp_path, "list", CALFKIT_CACHE_DIR=str(cache))
    except subprocess.TimeoutExpired:
        pytest.fail(f"`calfkit list` never ended with a {kind} as its cache")
    assert done.returncode == 0, done.stderr
    assert "calf-release" in done.stdout
    assert (cache / "summaries.json").is_file()
    assert not (cache / "summaries.json").is_symlink()


def test_the_summary_cache_sees_an_edit_to_a_routine_included_by_relative_path(
    home: Path,
) -> None:
    folder = home / "config" / "routines"
    part = write_routine(home / "parts", "part.yaml")
    folder.mkdir(parents=True)
    (folder / "whole.yaml").write_text("title: Whole\nsteps:\n  - routine: ../../parts/part.yaml\n")
    assert next(e for e in library.available() if e.name == "whole").total_seconds == 36
    part.write_text(part.read_text().replace("duration: 5s", "duration: 6s"))
    assert next(e for e in library.available() if e.name == "whole").total_seconds == 37


def test_a_valid_cache_entry_is_used_without_loading_again(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = home / "config" / "routines"
    write_routine(folder, "part.yaml")
    (folder / "whole.yaml").write_text("title: Whole\nsteps:\n  - routine: ./part.yaml\n")
    first = library.available()

    def no_loading(path: object) -> None:
        raise AssertionError(f"loaded {path} although the cache was valid")

    monkeypatch.setattr("calfkit.format.check.load", no_loading)
    assert library.available() == first


# -- issue 21, item 8: the cache is a cache: anything wrong in it is dropped and made again --


@pytest.mark.parametrize(
    "damage",
    [
        {"title": 12},
        {"title": None},
        {"title": ""},
        {"total_seconds": "abc"},
        {"total_seconds": float("nan")},
        {"total_seconds": True},
        {"step_count": "7"},
        {"step_count": -1},
        {"tags": "calf"},
        {"tags": [1, 2]},
        {"files": "nope"},
        {"refs": 5},
    ],
    ids=repr,
)
def test_a_cache_entry_of_the_wrong_shape_is_made_again_not_a_traceback(
    home: Path, damage: dict[str, object]
) -> None:
    import json

    write_routine(home / "config" / "routines", "mine.yaml", title="Mine")
    expected = library.available()
    cache = home / "cache" / "summaries.json"
    data = json.loads(cache.read_text())
    key = next(k for k in data["entries"] if k.endswith("mine.yaml"))
    data["entries"][key].update(damage)
    cache.write_text(json.dumps(data))
    assert library.available() == expected
    again = json.loads(cache.read_text())["entries"][key]
    mine = next(e for e in expected if e.name == "mine")
    assert (again["title"], again["total_seconds"], again["step_count"]) == (
        "Mine",
        mine.total_seconds,
        mine.step_count,
    )
    data["entries"][key] = "not even an object"
    cache.write_text(json.dumps(data))
    assert library.available() == expected


def test_summaries_of_files_and_folders_that_are_gone_are_pruned(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    folders = [home / f"shared{n}" for n in range(3)]
    for folder in folders:
        for n in range(5):
            write_routine(folder, f"r{folder.name[-1]}-{n}.yaml")
    monkeypatch.setenv("CALFKIT_PATH", os.pathsep.join(map(str, folders)))
    library.available()
    cache = home / "cache" / "summaries.json"
    keys = json.loads(cache.read_text())["entries"]
    assert sum("shared" in key for key in keys) == 15
    shutil.rmtree(folders[0])
    monkeypatch.setenv("CALFKIT_PATH", str(folders[1]))  # the third taken off the path
    (folders[1] / "r1-0.yaml").unlink()
    library.available()
    keys = json.loads(cache.read_text())["entries"]
    assert sorted(Path(key).name for key in keys if "shared" in key) == [
        f"r1-{n}.yaml" for n in range(1, 5)
    ]


def test_a_full_disk_leaves_no_temporary_cache_file_behind(home: Path) -> None:
    from tests.fulldisk import fill, tiny_disk

    with tiny_disk(home / "cache") as cache:
        fill(cache)
        for _ in range(3):
            assert {e.name for e in library.available()} == set(BUILTINS)
        assert sorted(p.name for p in cache.iterdir()) == [".filler"]
        (cache / ".filler").unlink()
        library.available()
        assert sorted(p.name for p in cache.iterdir()) == ["summaries.json"]
