"""Routine lookup: the user folder, then CALFKIT_PATH, then the built-ins; names and paths."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import calfkit as calfkit_package
from calfkit import library
from calfkit.cli import cli
from calfkit.errors import RoutineError, RoutineNotFound
from calfkit.library import Source
from tests.program import calfkit

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


def write(folder: Path, name: str, title: str = "A routine", tag: str = "test") -> Path:
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


def test_user_routines_folder_is_inside_the_config_dir_override(home: Path) -> None:
    assert library.user_routines_dir() == home / "config" / "routines"


def test_user_routines_folder_defaults_to_the_platform_config_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import platformdirs

    monkeypatch.delenv("CALFKIT_CONFIG_DIR", raising=False)
    expected = Path(platformdirs.user_config_dir("calfkit", appauthor=False)) / "routines"
    assert library.user_routines_dir() == expected


def test_builtin_routines_are_the_checkouts_routines_wherever_calfkit_is_installed() -> None:
    repository = Path(__file__).resolve().parent.parent.parent
    found = library.builtin_routines_dir()
    written = sorted((repository / "routines").glob("*.yaml"))
    assert [path.name for path in sorted(found.glob("*.yaml"))] == [p.name for p in written]
    assert all((found / path.name).read_bytes() == path.read_bytes() for path in written)
    package = Path(calfkit_package.__file__).resolve().parent
    if package == repository / "src" / "calfkit":  # an editable install: no copy is made
        assert found == repository / "routines"
    else:  # a wheel: the routines are package data
        assert found == package / "routines"
    assert "calf-release" in BUILTINS


def test_search_path_is_user_then_calfkit_path_in_order_then_builtin(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = home / "first", home / "second"
    monkeypatch.setenv("CALFKIT_PATH", os.pathsep.join([str(first), "", str(second)]))
    assert library.search_path() == (
        library.Place(Source.USER, home / "config" / "routines"),
        library.Place(Source.PATH, first),
        library.Place(Source.PATH, second),
        library.Place(Source.BUILTIN, library.builtin_routines_dir()),
    )


def test_a_folder_named_twice_is_searched_once(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = home / "config" / "routines"
    monkeypatch.setenv("CALFKIT_PATH", os.pathsep.join([str(user), str(home / "x")]))
    assert [place.source for place in library.search_path()] == [
        Source.USER,
        Source.PATH,
        Source.BUILTIN,
    ]


def test_a_name_finds_the_builtin_routine(home: Path) -> None:
    assert library.find("calf-release") == library.builtin_routines_dir() / "calf-release.yaml"


def test_a_user_routine_shadows_the_builtin_of_the_same_name(home: Path) -> None:
    mine = write(home / "config" / "routines", "calf-release.yaml")
    assert library.find("calf-release") == mine


def test_calfkit_path_comes_before_builtins_and_after_the_user_folder(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = write(home / "shared", "calf-release.yaml")
    monkeypatch.setenv("CALFKIT_PATH", str(home / "shared"))
    assert library.find("calf-release") == shared
    mine = write(home / "config" / "routines", "calf-release.yaml")
    assert library.find("calf-release") == mine


def test_the_first_calfkit_path_folder_wins(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = write(home / "one", "stretch.yaml")
    write(home / "two", "stretch.yaml")
    monkeypatch.setenv("CALFKIT_PATH", os.pathsep.join([str(home / "one"), str(home / "two")]))
    assert library.find("stretch") == one


def test_yml_files_are_found_and_yaml_wins_in_the_same_folder(home: Path) -> None:
    folder = home / "config" / "routines"
    yml = write(folder, "legs.yml")
    assert library.find("legs") == yml
    yaml = write(folder, "legs.yaml")
    assert library.find("legs") == yaml


def test_an_unknown_name_says_where_it_looked_and_suggests_a_close_one(home: Path) -> None:
    with pytest.raises(RoutineNotFound) as caught:
        library.find("calf-relase")
    message = str(caught.value)
    assert message.startswith("no routine named 'calf-relase' (did you mean 'calf-release'?)")
    assert str(home / "config" / "routines") in message
    assert str(library.builtin_routines_dir()) in message


def test_a_path_is_read_as_a_path(home: Path) -> None:
    path = write(home / "elsewhere", "mine.yaml")
    assert library.find(str(path)) == path


def test_a_relative_path_is_relative_to_the_folder_given(home: Path) -> None:
    path = write(home / "lib", "part.yaml")
    (home / "other").mkdir()
    assert library.find("part.yaml", relative_to=home / "lib") == path
    up = library.find("../lib/part.yaml", relative_to=home / "other")
    assert up.resolve() == path.resolve()


def test_a_relative_path_given_an_including_file_is_relative_to_its_folder(home: Path) -> None:
    including = write(home / "lib", "main.yaml")
    part = write(home / "lib", "part.yaml")
    assert library.find("part.yaml", relative_to=including) == part


def test_a_relative_path_without_a_base_is_relative_to_the_working_dir(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(home, "here.yaml")
    monkeypatch.chdir(home)
    assert library.find("here.yaml") == Path("here.yaml")


def test_a_missing_path_is_not_found(home: Path) -> None:
    with pytest.raises(RoutineNotFound, match=r"^nothing\.yaml: no such file$"):
        library.find("nothing.yaml", relative_to=home)


def test_a_folder_is_not_a_routine(home: Path) -> None:
    (home / "dir.yaml").mkdir()
    with pytest.raises(RoutineNotFound, match="is a folder"):
        library.find(str(home / "dir.yaml"))


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("calf-release", True),
        ("a", True),
        ("0-day", True),
        ("Calf", False),
        ("-calf", False),
        ("calf_release", False),
        ("calf.yaml", False),
        ("./calf", False),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
    ],
)
def test_what_counts_as_a_name(ref: str, expected: bool) -> None:
    assert library.is_name(ref) is expected


def test_names_lists_every_findable_name_once(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(home / "config" / "routines", "calf-release.yaml")
    write(home / "config" / "routines", "zz-mine.yml")
    write(home / "config" / "routines", "Not A Name.yaml")
    (home / "config" / "routines" / "notes.txt").write_text("not a routine")
    write(home / "shared", "shared-one.yaml")
    monkeypatch.setenv("CALFKIT_PATH", str(home / "shared"))
    assert library.names() == sorted([*BUILTINS, "shared-one", "zz-mine"])


def test_load_ref_loads_a_builtin_by_name(home: Path) -> None:
    routine = library.load_ref("calf-release")
    assert routine.name == "calf-release"
    assert routine.title == "Calf Release at the Wall"


def test_load_ref_reports_a_bad_file_with_positions(home: Path) -> None:
    path = home / "bad.yaml"
    path.write_text("title: Bad\nsteps:\n  - rest: 0\n")
    with pytest.raises(RoutineError) as caught:
        library.load_ref(str(path))
    assert caught.value.problems[0].position.line == 3


TOO_LONG = "a" * 300  # longer than any file system allows one name to be


FAST_NO_VOICE = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-voice")


@pytest.mark.parametrize("variable", ["CALFKIT_PATH", "CALFKIT_CONFIG_DIR"])
def test_a_search_folder_whose_name_is_too_long_is_passed_over(
    tmp_path: Path, variable: str
) -> None:
    long_folder = str(tmp_path / TOO_LONG)
    (tmp_path / "inc.yaml").write_text("title: Inc\nsteps:\n  - routine: calf-release\n")
    for args in (
        ("show", "calf-release"),
        ("play", "calf-release", *FAST_NO_VOICE, "--no-history"),
        ("validate", "calf-release", "inc.yaml"),
        ("export", "calf-release", "out.fit"),
    ):
        done = calfkit(tmp_path, *args, **{variable: long_folder})
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (tmp_path / "out.fit").stat().st_size > 0


def test_a_search_folder_with_a_newline_is_named_on_one_line(tmp_path: Path) -> None:
    done = calfkit(tmp_path, "show", "no-such-routine", CALFKIT_PATH=f"{tmp_path}\nelse")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "no routine named 'no-such-routine'" in done.stderr


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
    for args in (("validate", "morning"), ("show", "morning"), ("play", "morning", *FAST_NO_VOICE)):
        done = calfkit(tmp_path, *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "Total: 35s, 2 timed steps" in calfkit(tmp_path, "show", "morning").stdout
    listed = json.loads(calfkit(tmp_path, "list", "--json").stdout)
    assert [entry["total_seconds"] for entry in listed if entry["name"] == "morning"] == [35.0]


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "history.sqlite3"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "config" / "routines").mkdir(parents=True)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


FAST = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off")


def test_a_routine_has_one_name_everywhere(cli_home: Path) -> None:
    path = cli_home / "config" / "routines" / "named.yaml"
    path.write_text("name: other-name\ntitle: Named\nsteps: [{rest: 1}]\n", encoding="utf-8")
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert out.decode() == (
        f"{path}:1:7: warning: name 'other-name' differs from the file name 'named'; "
        "rename the file or remove name: (the file name is the routine's name)\n"
    )
    assert run("play", "named", *FAST)[0] == 0
    code, _, err = run("play", "other-name", *FAST)
    assert code == 1 and b"no routine named 'other-name'" in err
    (session,) = json.loads(run("history", "--json")[1])
    assert session["routine"] == "named"
    listing = json.loads(run("list", "--json")[1])
    assert "named" in {entry["name"] for entry in listing}
    shown = json.loads(run("show", "--json", "named")[1])
    assert shown["name"] == "named"


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def test_a_name_too_long_as_an_argument_is_not_found(isolated: Path) -> None:
    with pytest.raises(
        library.RoutineNotFound if hasattr(library, "RoutineNotFound") else Exception
    ) as caught:
        library.find("a" * 300)
    assert str(caught.value).endswith("...: name too long")
