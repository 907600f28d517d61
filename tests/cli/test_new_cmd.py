"""``calfkit new NAME``: a starter routine that validates, written where names are found."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit import library
from calfkit.cli import cli
from tests.program import calfkit


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_writes_a_starter_routine_and_prints_its_path(home: Path) -> None:
    path = home / "config" / "routines" / "morning-calves.yaml"
    assert run("new", "morning-calves") == (
        0,
        f"{path}\n",
        "Edit it, then try:  calfkit show morning-calves   calfkit play morning-calves\n",
    )
    routine = library.load(path)
    assert routine.name == "morning-calves"
    assert routine.title == "Morning calves"
    assert library.check(path) == []


def test_the_new_routine_is_found_by_name_and_listed(home: Path) -> None:
    run("new", "my-stretch")
    assert library.find("my-stretch") == home / "config" / "routines" / "my-stretch.yaml"
    entry = next(e for e in library.available() if e.name == "my-stretch")
    assert entry.ok and entry.source is library.Source.USER
    code, out, _ = run("show", "my-stretch")
    assert code == 0 and out.startswith("My stretch (my-stretch)\n")


def test_new_refuses_to_overwrite_an_existing_routine(home: Path) -> None:
    run("new", "mine")
    path = home / "config" / "routines" / "mine.yaml"
    path.write_text("title: Edited\nsteps:\n  - rest: 1m\n")
    assert run("new", "mine") == (
        1,
        "",
        f"calfkit: error: {path} already exists; edit it, or choose another name\n",
    )
    assert path.read_text() == "title: Edited\nsteps:\n  - rest: 1m\n"


def test_new_refuses_when_a_yml_file_of_that_name_exists(home: Path) -> None:
    folder = home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "mine.yml").write_text("title: Mine\nsteps:\n  - rest: 1m\n")
    code, out, err = run("new", "mine")
    assert (code, out) == (1, "")
    assert "mine.yml already exists" in err
    assert not (folder / "mine.yaml").exists()


def test_new_says_when_the_routine_shadows_a_builtin(home: Path) -> None:
    code, out, err = run("new", "calf-release")
    assert code == 0
    assert out == f"{home / 'config' / 'routines' / 'calf-release.yaml'}\n"
    assert err.splitlines()[0] == (
        f"note: it shadows the built-in routine of the same name in "
        f"{library.builtin_routines_dir()}"
    )


@pytest.mark.parametrize("name", ["My-Routine", "with space", "_under", "x.yaml", "a/b", "a" * 65])
def test_new_rejects_a_name_that_is_not_a_slug_as_a_usage_error(home: Path, name: str) -> None:
    code, out, err = run("new", name)
    assert (code, out) == (2, "")
    assert f"Invalid value for 'NAME': {name!r} is not a routine name" in err
    assert not (home / "config").exists()


def test_new_without_a_name_is_a_usage_error(home: Path) -> None:
    code, _, err = run("new")
    assert code == 2 and "Missing argument 'NAME'" in err


def test_new_reports_a_folder_it_cannot_write(home: Path) -> None:
    (home / "config").mkdir()
    (home / "config" / "routines").write_text("a file where the folder should be")
    code, out, err = run("new", "mine")
    assert (code, out) == (1, "")
    assert err.startswith(f"calfkit: error: could not create {home / 'config' / 'routines'}: ")


def test_on_a_full_disk_new_leaves_nothing_and_works_once_there_is_room(home: Path) -> None:
    from tests.fulldisk import fill, tiny_disk

    routines = home / "config" / "routines"
    with tiny_disk(routines):
        fill(routines)
        code, out, err = run("new", "foo")
        assert (code, out) == (1, "")
        assert (
            err
            == f"calfkit: error: could not write {routines / 'foo.yaml'}: No space left on device\n"
        )
        assert sorted(p.name for p in routines.iterdir()) == [".filler"]  # no foo.yaml, no temp
        (routines / ".filler").unlink()
        code, out, err = run("new", "foo")
        assert (code, out) == (0, f"{routines / 'foo.yaml'}\n")
        assert library.check(routines / "foo.yaml") == []
        assert sorted(p.name for p in routines.iterdir()) == ["foo.yaml"]


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes only on POSIX")
def test_a_config_folder_whose_name_is_not_utf8_gets_a_starter_and_an_escaped_path(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = os.fsdecode(bytes(home) + b"/conf\xff")  # a byte no UTF-8 decoder takes
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", config)
    code, out, err = run("new", "foo")
    assert code == 0, err
    assert out == f"{home}/conf\\udcff/routines/foo.yaml\n"
    starter = Path(config) / "routines" / "foo.yaml"
    assert "conf\\udcff" in starter.read_text(encoding="utf-8")  # its comments, escaped
    assert library.check(starter) == []


TOO_LONG = "a" * 300  # longer than any file system allows one name to be


def test_new_in_a_config_folder_whose_name_is_too_long_says_so(tmp_path: Path) -> None:
    done = calfkit(tmp_path, "new", "morning", CALFKIT_CONFIG_DIR=str(tmp_path / TOO_LONG))
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert "could not create" in done.stderr and "File name too long" in done.stderr


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
