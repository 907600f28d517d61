"""Every routine found, as ``list`` shows it: a bad file, a dangling link or a symlink loop
is named once and hides nothing else; the summary cache never reads past the limits."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from calfkit import library
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
    assert "larger than 1 MiB" in (found["grows"].error or "")
    assert peak < 16 * 1024 * 1024, peak  # nothing near the file's 64 MiB was read
