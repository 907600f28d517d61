"""One bad file must not break everything: each gives its own positioned error (issue 12)."""

from __future__ import annotations

import os
import re
import tracemalloc
from pathlib import Path

import pytest

from calfkit import library
from calfkit.errors import Severity
from calfkit.format import check as checker
from calfkit.format import spec
from calfkit.timeline import compile_routine

CATCH_ALL = "calfkit could not check this file"


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


def lines(path: Path) -> list[str]:
    problems = library.check_safely(path)
    assert not any(CATCH_ALL in problem.message for problem in problems), problems
    return [problem.format().replace(str(path), "F") for problem in problems]


def test_a_count_of_4301_digits_is_a_number_too_large(tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", "title: T\nsteps:\n  - count: " + "1" * 4301 + "\n")
    assert lines(path) == [
        "F:3:12: error: the number 111111111111111111…111111111111111111 (4,301 digits) "
        "is too large"
    ]


@pytest.mark.parametrize("written", ["9" * 5000 + ":30", "-" + "9" * 5000, "0x" + "f" * 5000])
def test_other_huge_numbers_are_refused_without_a_crash(tmp_path: Path, written: str) -> None:
    path = write(
        tmp_path / "big.yaml", f"title: T\nsteps:\n  - rest: '{written}'\n  - rest: {written}\n"
    )
    found = lines(path)
    assert found and all(": error: " in line for line in found)


def test_a_huge_countdown_compiles_to_the_beeps_that_fit(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        f"title: T\nsteps:\n  - hold: x\n    duration: 5\n    countdown: {10**40}\n",
    )
    (segment,) = compile_routine(library.load(path)).segments
    assert [tick.number for tick in segment.ticks] == [5, 4, 3, 2, 1]


def test_an_include_whose_name_is_too_long_for_the_file_system(isolated: Path) -> None:
    path = write(isolated / "inc.yaml", "title: T\nsteps:\n  - routine: " + "a" * 300 + ".yaml\n")
    (line,) = lines(path)
    assert line.startswith("F:3:14: error: included routine 'aaaa")
    assert line.endswith(": name too long")
    by_name = write(isolated / "name.yaml", "title: T\nsteps:\n  - routine: " + "a" * 300 + "\n")
    (line,) = lines(by_name)
    assert line.startswith("F:3:14: error: included routine 'aaaa")
    assert line.endswith("name too long")


def test_a_name_too_long_as_an_argument_is_not_found(isolated: Path) -> None:
    with pytest.raises(
        library.RoutineNotFound if hasattr(library, "RoutineNotFound") else Exception
    ) as caught:
        library.find("a" * 300)
    assert str(caught.value).endswith("...: name too long")


def test_a_tag_inside_a_sides_list_is_its_own_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.yaml", "title: T\nsteps:\n  - sides: [!!str right]\n    steps: [{rest: 1}]\n"
    )
    assert lines(path) == ["F:3:13: error: YAML tags (!!str) are not supported; remove the tag"]


def test_an_alias_inside_a_sides_list_is_its_own_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.yaml", "title: &a right\nsteps:\n  - sides: [*a]\n    steps: [{rest: 1}]\n"
    )
    assert lines(path) == [
        "F:1:8: error: anchors (&a) are not supported; write each value out in full",
        "F:3:13: error: aliases (*a) are not supported; write the value out",
    ]


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


# ---- a routines folder with a broken entry ---------------------------------------------------


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


# ---- what is read, and how much ------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_being_opened_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (problem,) = library.check(fifo)  # on main this blocks for ever
    assert problem.format() == (
        f"{fifo}:1:1: error: cannot read the file: "
        "not a regular file (a FIFO, a device or a socket)"
    )


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


# ---- did-you-mean past the problem cap -------------------------------------------------------


def test_no_did_you_mean_is_worked_out_past_the_problem_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "keys.yaml", "".join(f"k{n}: 1\n" for n in range(3000)))
    calls = []
    from calfkit.format.check import structure

    real = structure.close_match
    monkeypatch.setattr(
        structure, "close_match", lambda *args, **kw: calls.append(1) or real(*args, **kw)
    )
    problems = library.check(path)
    assert problems[-1].message.startswith("more problems not shown")
    assert len(calls) <= 110  # about one per problem shown; on main, 3,000


# ---- placeholders ------------------------------------------------------------------------------


def test_round_and_rounds_are_filled_in_inside_repeat(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yaml",
        "title: T\nsteps:\n  - repeat: 2\n    steps:\n"
        "      - do: Round {round} of {rounds}, {round}.\n        duration: 1\n"
        "        note: '{rounds} in all'\n",
    )
    assert library.check(path) == []
    texts = [(s.text, s.note) for s in compile_routine(library.load(path)).segments]
    assert texts == [("Round 1 of 2, 1.", "2 in all"), ("Round 2 of 2, 2.", "2 in all")]


def test_round_outside_repeat_is_an_error_like_side(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yaml",
        "title: Round {round}\nsteps:\n  - sides: [right]\n    steps:\n"
        "      - do: '{rounds} times, {side}'\n        duration: 1\n",
    )
    assert lines(path) == [
        "F:1:8: error: 'title' uses {round}, which only works inside a repeat step",
        "F:5:13: error: do step: 'do' uses {rounds}, which only works inside a repeat step",
    ]


def test_an_unknown_placeholder_is_a_warning_with_a_did_you_mean(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.yaml",
        "title: T\nsteps:\n  - sides: [right]\n    steps:\n"
        "      - do: Press your {sdie} heel {down}.\n        duration: 1\n",
    )
    found = library.check(path)
    assert all(problem.severity is Severity.WARNING for problem in found)
    shown = [line.split(": warning: ")[1] for line in lines(path)]
    assert shown[0] == "do step: 'do' has {sdie}, which is not a placeholder; did you mean {side}?"
    assert shown[1].startswith("do step: 'do' has {down}, which is not a placeholder; placeholders")
    library.load(path)  # a warning leaves the routine usable


def test_the_schema_describes_every_placeholder() -> None:
    from calfkit.format.schema import json_schema

    text = str(json_schema())
    for word in checker.PLACEHOLDERS:
        assert "{" + word + "}" in text


# ---- control characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "escape",
    [
        "\\e]52;c;cm0gLXJmIH4vKg==\\a",
        "\\e]8;;https://x.example\\e\\\\link\\e]8;;\\e\\\\",
        "\\x9b2J",
        "\\e[?25l",
    ],
)
def test_control_characters_are_removed_from_the_model_with_a_warning(
    tmp_path: Path, escape: str
) -> None:
    path = write(
        tmp_path / "c.yaml",
        f'title: "Hi{escape}"\ndescription: "two\\nlines{escape}"\nsteps:\n'
        f'  - do: "Go{escape}"\n    duration: 1\n    note: "n{escape}"\n',
    )
    routine = library.load(path)
    for text in (routine.title, routine.description, routine.steps[0].text, routine.steps[0].note):  # type: ignore[union-attr]
        assert text is not None
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text), text
    assert routine.description is not None and "\n" in routine.description  # layout is kept
    warnings = lines(path)
    assert len(warnings) == 4
    assert all(": warning: " in line and "control character U+" in line for line in warnings)


# ---- the typed format code ---------------------------------------------------------------------


def test_one_builder_per_step_kind_and_no_explicit_any_in_the_format_code() -> None:
    from calfkit.format.check.build import BUILDERS

    assert set(BUILDERS) == set(spec.KINDS)
    folder = Path(spec.__file__).parent
    for module in folder.rglob("*.py"):
        assert not re.search(r"\bAny\b", module.read_text(encoding="utf-8")), module
