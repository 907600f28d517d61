"""The loader: good routine files become the model, bad ones give every problem, positioned."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit import library
from calfkit.cli import cli
from calfkit.errors import RoutineError, Severity
from calfkit.format import source, spec
from calfkit.model import (
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Rest,
    Side,
    Sides,
)
from tests.program import calfkit

ROUTINES = Path(__file__).parent.parent / "routines"
GOOD = sorted((ROUTINES / "good").glob("*.y*ml"))
BAD = sorted((ROUTINES / "bad").glob("*.y*ml"))
BUILTINS = sorted((Path(__file__).parent.parent.parent / "routines").glob("*.yaml"))


@pytest.fixture
def in_routines(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from tests/routines so problems name files as bad/NAME.yaml, as the expected files do."""
    monkeypatch.chdir(ROUTINES)
    return ROUTINES


@pytest.fixture
def isolated_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user routines folder and search path, so only what a test puts there is found."""
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", BAD, ids=lambda path: path.name)
def test_bad_routine_reports_exactly_the_expected_problems_quickly(
    path: Path, in_routines: Path
) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert expected, f"{path.name} has no expected problems"
    started = time.perf_counter()
    problems = library.check(f"bad/{path.name}")
    elapsed = time.perf_counter() - started
    assert [problem.format() for problem in problems] == expected
    assert elapsed < 10.0  # a hang guard; speed is in bench/load.py


@pytest.mark.parametrize("path", BAD, ids=lambda path: path.name)
def test_loading_a_bad_routine_raises_every_problem(path: Path, in_routines: Path) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(RoutineError) as raised:
        library.load(f"bad/{path.name}")
    assert [problem.format() for problem in raised.value.problems] == expected


def test_every_bad_file_has_an_expected_file_and_the_reverse() -> None:
    routines = {path.with_suffix("").name for path in BAD}
    expected = {path.with_suffix("").name for path in (ROUTINES / "bad").glob("*.expected")}
    assert routines == expected


@pytest.mark.parametrize("path", GOOD + BUILTINS, ids=lambda path: path.name)
def test_good_routine_loads_without_problems(path: Path) -> None:
    started = time.perf_counter()
    assert library.check(path) == []
    routine = library.load(path)
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    assert routine.steps
    assert routine.path == str(path)
    assert routine.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_step_kind_becomes_its_model_class_with_values_read() -> None:
    routine = library.load(ROUTINES / "good" / "every-kind.yaml")
    assert routine.name == "every-kind"
    assert routine.title == "Every kind of step"
    assert routine.tags == ("test", "all-kinds")
    assert routine.equipment == ("a wall", "a foam roller")
    assert routine.caution == "Stop if anything hurts."
    prepare, do, hold, count, breathe, rest, repeat, sides, include = routine.steps
    assert prepare == Prepare(
        text="Sit down with the roller under your calf.",
        duration=15.0,  # duration: ready, no time: its cue (with "You have ...") + 10 s, to 5 s
        until_ready=True,
        name="Setup",
        note="Take your time.",
    )
    assert do == Do(text="Roll slowly towards the knee.", duration=90.0)
    assert hold == Hold(text="Stay on the tight spot.", duration=20.0, countdown=5)
    assert count == Count(count=12, every=1.5, cue="Flex and point the foot.")
    assert breathe == Breathe(breaths=3, inhale=4.0, exhale=6.0, cue="Breathe slowly.")
    assert rest == Rest(duration=60.0, cue="Rest on your back.")
    assert repeat == Repeat(
        rounds=2, rest_between=10.0, steps=(Do(text="Press the heel away.", duration=120.0),)
    )
    assert sides == Sides(
        sides=(Side.RIGHT, Side.LEFT),
        switch=0.0,
        steps=(
            Hold(
                text="Keep the {side} leg straight, the {other_side} one bent.",
                duration=1800.0,
                countdown=0,
            ),
        ),
    )
    assert isinstance(include, Include)
    assert include.ref == "parts/short.yaml"
    assert include.routine.title == "A short part"
    assert include.routine.name == "short"
    assert include.routine.steps == (Do(text="Walk around the room.", duration=3600.0),)


def test_defaults_come_from_the_format_when_keys_are_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path / "defaults.yml",
        "title: Defaults\n"
        "steps:\n"
        "  - prepare: Get ready.\n"
        "  - hold: Hold.\n    duration: 5\n"
        "  - count: 3\n"
        "  - breathe: 2\n"
        "  - rest: 5s\n"
        "  - repeat: 2\n    steps: [{rest: 1}]\n"
        "  - sides: [left]\n    steps: [{rest: 1}]\n",
    )
    routine = library.load(path)
    assert routine.name == "defaults"
    assert routine.description is None and routine.tags == () and routine.caution is None
    prepare, hold, count, breathe, rest, repeat, sides = routine.steps
    assert prepare == Prepare(text="Get ready.", duration=10.0)
    assert hold == Hold(text="Hold.", duration=5.0, countdown=3)
    assert count == Count(count=3, every=1.0)
    assert breathe == Breathe(breaths=2, inhale=4.0, exhale=6.0)
    assert rest == Rest(duration=5.0, cue="Rest")
    assert isinstance(repeat, Repeat) and repeat.rest_between is None
    assert isinstance(sides, Sides) and sides.switch == 5.0 and sides.sides == (Side.LEFT,)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("30", 30.0),
        ("1.5", 1.5),
        ("45s", 45.0),
        ("1.5s", 1.5),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        ('"1:30"', 90.0),
        ("1:30", 90.0),
        ("0:05", 5.0),
        ("2h", 7200.0),
        ("7200", 7200.0),
    ],
)
def test_durations_are_read_in_every_documented_form(
    tmp_path: Path, written: str, seconds: float
) -> None:
    path = write(tmp_path / "d.yaml", f"title: D\nsteps:\n  - rest: {written}\n")
    (rest,) = library.load(path).steps
    assert rest == Rest(duration=seconds)


def test_step_positions_point_at_the_step_in_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.yaml", "title: P\nsteps:\n  - rest: 1\n  -   do: x\n      duration: 2\n"
    )
    first, second = library.load(path).steps
    assert (first.position.line, first.position.column) == (3, 5)  # type: ignore[union-attr]
    assert (second.position.line, second.position.column) == (4, 7)  # type: ignore[union-attr]


def test_the_file_name_is_the_routine_name_and_a_different_name_key_is_a_warning(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "file-name.yaml", "name: own-name\ntitle: T\nsteps: [{rest: 1}]\n")
    assert library.load(path).name == "file-name"
    (problem,) = library.check(path)
    assert problem.severity is Severity.WARNING
    assert problem.format() == (
        f"{path}:1:7: warning: name 'own-name' differs from the file name 'file-name'; "
        "rename the file or remove name: (the file name is the routine's name)"
    )
    same = write(tmp_path / "same.yaml", "name: same\ntitle: T\nsteps: [{rest: 1}]\n")
    assert library.check(same) == []


def test_an_include_by_name_is_found_through_the_library(
    isolated_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = isolated_library / "shelf"
    write(
        shelf / "warm-up.yaml",
        "title: Warm up\nsteps:\n  - do: March on the spot.\n    duration: 30s\n",
    )
    monkeypatch.setenv("CALFKIT_PATH", str(shelf))
    path = write(isolated_library / "main.yaml", "title: Main\nsteps:\n  - routine: warm-up\n")
    (include,) = library.load(path).steps
    assert isinstance(include, Include)
    assert include.ref == "warm-up"
    assert include.routine.title == "Warm up"


def test_an_include_of_a_built_in_routine_by_name_loads_it(isolated_library: Path) -> None:
    path = write(isolated_library / "main.yaml", "title: Main\nsteps:\n  - routine: calf-release\n")
    (include,) = library.load(path).steps
    assert isinstance(include, Include)
    assert include.routine.name == "calf-release"


def test_a_routine_that_includes_its_own_name_gets_the_one_it_shadows(
    isolated_library: Path,
) -> None:
    # Your calf-release.yaml wrapping the built-in calf-release was an include cycle, and it
    # took the built-in calf-care (which includes calf-release) down with it.
    mine = write(
        isolated_library / "config" / "routines" / "calf-release.yaml",
        "title: My calf release\nsteps:\n  - routine: calf-release\n  - rest: 30s\n",
    )
    wrapped, _ = library.load(mine).steps
    assert isinstance(wrapped, Include)
    assert wrapped.routine.title == "Calf Release at the Wall"
    assert Path(wrapped.routine.path).parent == library.builtin_routines_dir()
    care = library.load(library.find("calf-care"))
    titles = [step.routine.title for step in care.steps if isinstance(step, Include)]
    assert "My calf release" in titles  # the user's routine shadows the built-in everywhere


def test_a_routine_that_includes_its_own_name_and_shadows_nothing_says_so(
    isolated_library: Path,
) -> None:
    solo = write(
        isolated_library / "config" / "routines" / "solo.yaml",
        "title: Solo\nsteps:\n  - routine: solo\n",
    )
    assert [p.format() for p in library.check(solo)] == [
        f"{solo}:3:14: error: included routine 'solo' not found: the only routine named 'solo' "
        "is this file itself (a routine cannot include itself)"
    ]


def test_an_include_by_an_unknown_name_says_it_was_not_found(isolated_library: Path) -> None:
    path = write(isolated_library / "main.yaml", "title: Main\nsteps:\n  - routine: no-such-one\n")
    (problem,) = library.check(path)
    assert (problem.position.line, problem.position.column) == (3, 14)
    assert problem.message.startswith("included routine 'no-such-one' not found: ")


def test_the_same_file_included_twice_is_not_a_cycle(tmp_path: Path) -> None:
    write(tmp_path / "part.yaml", "title: Part\nsteps: [{rest: 1}]\n")
    path = write(
        tmp_path / "main.yaml",
        "title: Main\nsteps:\n  - routine: part.yaml\n  - repeat: 2\n"
        "    steps: [{routine: part.yaml}]\n",
    )
    first, repeat = library.load(path).steps
    assert isinstance(first, Include) and isinstance(repeat, Repeat)
    (second,) = repeat.steps
    assert isinstance(second, Include) and second.routine == first.routine


def test_includes_are_relative_to_the_including_file_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a" / "b" / "inner.yaml", "title: Inner\nsteps: [{rest: 2}]\n")
    write(tmp_path / "a" / "middle.yaml", "title: Middle\nsteps: [{routine: b/inner.yaml}]\n")
    write(tmp_path / "top.yaml", "title: Top\nsteps: [{routine: a/middle.yaml}]\n")
    monkeypatch.chdir(tmp_path / "a" / "b")
    (middle,) = library.load(tmp_path / "top.yaml").steps
    assert isinstance(middle, Include)
    (inner,) = middle.routine.steps
    assert isinstance(inner, Include) and inner.routine.title == "Inner"


def test_a_file_over_one_mebibyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"title: Huge\nsteps:\n" + b"  - rest: 1\n" * (2 * 1024 * 1024 // 12))
    assert path.stat().st_size > 2 * 1024 * 1024 - 100
    started = time.perf_counter()
    problems = library.check(path)
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    assert [problem.format() for problem in problems] == [
        f"{path}:1:1: error: the file is larger than 256 KiB (262144 bytes); "
        "routine files must be smaller"
    ]


def test_a_python_tag_is_refused_and_nothing_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "executed"
    monkeypatch.chdir(tmp_path)
    path = write(
        tmp_path / "evil.yaml",
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        f"steps:\n  - do: !!python/object/apply:subprocess.call [[touch, {marker}]]\n"
        "    duration: 1\n"
        f'  - rest: !!python/object/new:pathlib.Path ["{marker}"]\n',
    )
    problems = library.check(path)
    assert [(p.position.line, p.position.column) for p in problems] == [(1, 8), (3, 9), (5, 11)]
    assert all("YAML tags" in problem.message for problem in problems)
    assert not marker.exists()


def test_a_missing_file_is_a_problem_at_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert [p.format() for p in library.check(path)] == [f"{path}:1:1: error: no such file"]


def test_a_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    assert [p.format() for p in library.check(tmp_path)] == [
        f"{tmp_path}:1:1: error: is a directory, not a routine file"
    ]


def test_an_included_routine_too_long_on_its_own_is_reported_in_its_own_file(
    tmp_path: Path,
) -> None:
    write(tmp_path / "long.yaml", "title: Long\nsteps:\n  - repeat: 13\n    steps: [{rest: 2h}]\n")
    path = write(tmp_path / "main.yaml", "title: Main\nsteps: [{routine: long.yaml}]\n")
    assert [p.format() for p in library.check(path)] == [
        f"{tmp_path}/long.yaml:3:5: error: repeat step: lasts 26h 0m 0s when expanded; "
        "a routine may last at most 24 hours"
    ]


def test_limits_count_the_included_steps_in_the_including_routine(tmp_path: Path) -> None:
    write(tmp_path / "part.yaml", "title: Part\nsteps:\n  - repeat: 10\n    steps: [{rest: 2h}]\n")
    path = write(
        tmp_path / "main.yaml",
        "title: Main\nsteps:\n  - repeat: 2\n    steps: [{routine: part.yaml}]\n",
    )
    assert [p.format() for p in library.check(path)] == [
        f"{path}:3:5: error: repeat step: lasts 40h 0m 0s when expanded; "
        "a routine may last at most 24 hours"
    ]


def test_enormous_expansions_are_refused_once_at_the_repeat_that_crosses_the_limit(
    tmp_path: Path,
) -> None:
    nested = "".join(
        f"{'  ' * (2 * i)}  - repeat: 100\n{'  ' * (2 * i)}    steps:\n" for i in range(8)
    )
    path = write(tmp_path / "vast.yaml", f"title: Vast\nsteps:\n{nested}{'  ' * 16}  - rest: 1\n")
    started = time.perf_counter()
    problems = library.check(path)
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    # The third repeat from the inside (100 x 100 x 100 rests) is the one past 100,000
    # events; the five around it say nothing more (the routine used to be said to have
    # 10,000,000,000,000,000 events, and to last 2,777,777,777,777 hours, in two errors).
    assert [p.format() for p in problems] == [
        f"{path}:13:25: error: repeat step: expands to 1,000,000 timed events (steps, counts, "
        "breaths and countdown beeps); a routine may have at most 100,000"
    ]


@pytest.mark.parametrize("count", [100_000, 100_001])
def test_more_steps_than_events_allowed_is_refused_at_once_and_only_then(
    tmp_path: Path, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each step is at least one timed event: 100,001 steps are over the limit whatever they
    # hold (step 2's mistake included), and the file is refused without checking each one.
    # So many steps take a megabyte, four times the file size limit, which would refuse the
    # file first: the limit is raised here to reach the checker's own guard.
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    steps = ["{rest: 0.5}"] * count  # 13.9 hours: under the 24-hour limit
    steps[1] = "{rest: 0}"
    path = write(tmp_path / "long.yaml", f"title: Long\nsteps: [{','.join(steps)}]\n")
    messages = [p.message for p in library.check(path)]
    if count > 100_000:
        assert messages == [
            "'steps' holds 100,001 steps, so the routine has more than 100,000 timed events "
            "when expanded (each step is at least one); at most 100,000 are allowed"
        ]
    else:
        assert messages == ["rest step: 'rest' must be more than 0 seconds; found 0"]


def test_check_safely_turns_an_unexpected_failure_into_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: object, **options: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr("calfkit.format.check.check", broken)
    assert [p.format() for p in library.check_safely("x.yaml")] == [
        "x.yaml:1:1: error: calfkit could not check this file (RuntimeError: boom)"
    ]


def test_a_file_full_of_mistakes_stops_listing_after_a_hundred(tmp_path: Path) -> None:
    head = "title: Many mistakes\nsteps: [{rest: 1}]\ntags: ["
    count = (source.MAX_FILE_BYTES - len(head) - 10) // 3
    path = tmp_path / "tags.yaml"
    path.write_text(head + "A, " * count + "a]\n", encoding="utf-8")
    started = time.perf_counter()
    problems = library.check(path)
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    assert len(problems) == 101
    assert problems[0].format() == (
        f"{path}:3:8: error: 'tags' item 1 must be a slug: lowercase letters, digits and "
        "dashes, starting with a letter or digit (like calf-release); found 'A'"
    )
    assert problems[-1].format() == (
        f"{path}:3:305: error: more problems not shown (only the first 100 are); fix these first"
    )


def test_a_valid_routine_at_the_size_limit_loads(tmp_path: Path) -> None:
    step = "  - do: Rise onto the balls of your feet, then lower your heels.\n    duration: 0.5\n"
    head = "title: Big\nsteps:\n"
    path = tmp_path / "big.yaml"
    path.write_text(
        head + step * ((source.MAX_FILE_BYTES - len(head)) // len(step)), encoding="utf-8"
    )
    started = time.perf_counter()
    routine = library.load(path)
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    assert len(routine.steps) == (source.MAX_FILE_BYTES - len(head)) // len(step)


def test_the_format_guide_example_is_valid_and_lasts_what_it_says(tmp_path: Path) -> None:
    import re

    from calfkit.format import measure

    guide = (Path(__file__).parent.parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.findall(r"```yaml\n(.*?)```", guide, re.S)[0]
    routine = library.load(write(tmp_path / "example.yaml", example))
    assert measure.seconds(routine.steps) == 4 * 60 + 55
    assert "4 min 55 s." in guide


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def test_an_included_symlink_loop_is_named_as_one(tmp_path: Path) -> None:
    # Before: "included routine 'loop.yaml' not found: …/loop.yaml does not exist".
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "other.yaml")
    (tmp_path / "other.yaml").symlink_to(tmp_path / "loop.yaml")
    main = tmp_path / "main.yaml"
    main.write_text("title: Main\nsteps:\n  - routine: loop.yaml\n", encoding="utf-8")
    code, output = run("validate", str(main))
    assert code == 1, output
    assert f"{main}:3:14: error: " in output
    assert "a loop of symbolic links" in output and "does not exist" not in output


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


CATCH_ALL = "calfkit could not check this file"


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


def test_an_include_whose_name_is_too_long_for_the_file_system(isolated: Path) -> None:
    path = write(isolated / "inc.yaml", "title: T\nsteps:\n  - routine: " + "a" * 300 + ".yaml\n")
    (line,) = lines(path)
    assert line.startswith("F:3:14: error: included routine 'aaaa")
    assert line.endswith(": name too long")
    by_name = write(isolated / "name.yaml", "title: T\nsteps:\n  - routine: " + "a" * 300 + "\n")
    (line,) = lines(by_name)
    assert line.startswith("F:3:14: error: included routine 'aaaa")
    assert line.endswith("name too long")


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


def test_one_builder_per_step_kind_and_no_explicit_any_in_the_format_code() -> None:
    from calfkit.format.check.build import builder
    from calfkit.model import Kind

    assert {kind.value for kind in Kind if callable(builder(kind))} == set(spec.KINDS)
    folder = Path(spec.__file__).parent
    for module in folder.rglob("*.py"):
        assert not re.search(r"\bAny\b", module.read_text(encoding="utf-8")), module


# ---- steps that multiply: refused once, where they cross the limit -------------------------


def fan_out(folder: Path, files: int, rest: str = "0.1") -> None:
    """l0.yaml ... l<files-1>.yaml, each 300 includes of the next; the last a single rest."""
    for k in range(files):
        last = k == files - 1
        steps = f"  - rest: {rest}\n" if last else f"  - routine: ./l{k + 1}.yaml\n" * 300
        write(folder / f"l{k}.yaml", f"calfkit: 1\ntitle: Level {k}\nsteps:\n{steps}")


def test_includes_that_fan_out_are_refused_once_at_the_include_that_crosses_the_limit(
    tmp_path: Path,
) -> None:
    # Nine files of 300 includes expand to 300^8 steps: validate ran for minutes (four files
    # took 97 s to say "27,000,000 events", at l0's steps). l6 is 90,000 events, so l5's
    # second include of it is the step past 100,000; the files around it say nothing more.
    fan_out(tmp_path, 9)
    result = calfkit(tmp_path, "validate", "l0.yaml")  # the timeout only guards a hang
    assert result.returncode == 1
    assert result.stdout + result.stderr == (
        f"{tmp_path / 'l5.yaml'}:5:5: error: routine step: with this step's 90,000 timed "
        "events, the steps here come to 180,000 when expanded (steps, counts, breaths and "
        "countdown beeps); a routine may have at most 100,000\n"
    ).replace(f"{tmp_path}/", "")


def test_a_mix_of_sides_repeat_and_include_is_refused_at_the_block_that_multiplies_past(
    tmp_path: Path,
) -> None:
    write(tmp_path / "part.yaml", "title: Part\nsteps:\n  - count: 599\n")  # 600 events
    path = write(
        tmp_path / "main.yaml",
        "title: Main\nsteps:\n"
        "  - sides: [right, left]\n    steps:\n"
        "      - repeat: 100\n        steps:\n          - routine: part.yaml\n",
    )
    assert [p.format() for p in library.check(path)] == [
        f"{path}:3:5: error: sides step: expands to 120,001 timed events (steps, counts, "
        "breaths and countdown beeps); a routine may have at most 100,000"
    ]


def test_a_diamond_counts_the_shared_routine_on_both_paths_and_says_so_once(
    tmp_path: Path,
) -> None:
    write(tmp_path / "d.yaml", "title: D\nsteps:\n  - repeat: 100\n    steps: [{count: 599}]\n")
    write(tmp_path / "b.yaml", "title: B\nsteps: [{routine: d.yaml}]\n")
    write(tmp_path / "c.yaml", "title: C\nsteps: [{routine: d.yaml}]\n")
    path = write(
        tmp_path / "top.yaml", "title: Top\nsteps:\n  - routine: b.yaml\n  - routine: c.yaml\n"
    )
    assert library.check(tmp_path / "b.yaml") == []  # 60,000 events: each path alone is fine
    assert [p.format() for p in library.check(path)] == [
        f"{path}:4:5: error: routine step: with this step's 60,000 timed events, the steps "
        "here come to 120,000 when expanded (steps, counts, breaths and countdown beeps); "
        "a routine may have at most 100,000"
    ]


def test_a_routine_included_through_a_link_to_itself_is_a_cycle_not_a_fan_out(
    tmp_path: Path,
) -> None:
    # l0 includes itself 300 times through a link: a cycle, named once per include, never
    # expanded (each include is a problem of its own line; none multiplies).
    (tmp_path / "again.yaml").symlink_to(tmp_path / "l0.yaml")
    steps = "  - routine: ./again.yaml\n" * 3
    path = write(tmp_path / "l0.yaml", f"title: Loop\nsteps:\n{steps}")
    messages = [p.message for p in library.check(path)]
    assert len(messages) == 3 and all(m.startswith("include cycle: ") for m in messages)


def test_includes_that_fan_out_half_through_links_are_refused_as_quickly_and_once(
    tmp_path: Path,
) -> None:
    # Each file names the next 150 times as itself and 150 times through a link: one file
    # under two names is one routine, measured once, so this is the plain fan-out again.
    for k in range(9):
        if k < 8:
            steps = f"  - routine: ./l{k + 1}.yaml\n  - routine: ./m{k + 1}.yaml\n" * 150
            (tmp_path / f"m{k + 1}.yaml").symlink_to(tmp_path / f"l{k + 1}.yaml")
        else:
            steps = "  - rest: 0.1\n"
        write(tmp_path / f"l{k}.yaml", f"title: Level {k}\nsteps:\n{steps}")
    started = time.perf_counter()
    problems = library.check(tmp_path / "l0.yaml")
    assert time.perf_counter() - started < 60.0  # a hang guard; bench/fanout.py times it
    assert [p.format() for p in problems] == [
        f"{tmp_path}/l5.yaml:4:5: error: routine step: with this step's 90,000 timed events, "
        "the steps here come to 180,000 when expanded (steps, counts, breaths and countdown "
        "beeps); a routine may have at most 100,000"
    ]


@pytest.mark.parametrize(
    ("title", "named"),
    [
        ('"\\u200b"', "U+200B"),
        ('"\\u200b\\u200d"', "U+200B, U+200D"),
        ('"\\u3164"', "U+3164"),
        ('"\\u2800"', "U+2800"),
    ],
)
def test_a_title_that_shows_nothing_is_an_error_as_an_empty_one_is(
    tmp_path: Path, title: str, named: str
) -> None:
    path = tmp_path / "blank.yaml"
    path.write_text(f"title: {title}\nsteps:\n  - rest: 5s\n", encoding="utf-8")
    problems = library.check(path)
    assert [p.format() for p in problems] == [
        f"{path}:1:8: error: 'title' must be text of at most 80 characters; found only "
        "characters that show nothing "
        f"({named})"
    ]


def test_an_exercise_is_read_onto_its_step_and_an_unknown_one_is_a_positioned_error(
    tmp_path: Path,
) -> None:
    good = write(
        tmp_path / "ex.yaml",
        "title: Ex\nsteps:\n  - sides: [right]\n    exercise: foam-roll\n    steps:\n"
        "      - hold: Lean.\n        duration: 5\n        exercise: calf-stretch\n",
    )
    (block,) = library.load(good).steps
    assert block.exercise == "foam-roll"
    assert block.steps[0].exercise == "calf-stretch"  # type: ignore[attr-defined]
    bad = write(
        tmp_path / "bad.yaml",
        "title: Ex\nsteps:\n  - hold: Lean.\n    duration: 5\n    exercise: calf-strech\n",
    )
    with pytest.raises(RoutineError) as raised:
        library.load(bad)
    (problem,) = raised.value.problems
    assert (problem.position.line, problem.position.column) == (5, 15)
    assert "'exercise' must be one of calf-stretch, ankle-stretch" in problem.message


def test_a_ready_step_may_give_the_time_it_lasts_where_nobody_presses_enter(
    tmp_path: Path,
) -> None:
    good = write(
        tmp_path / "ready.yaml",
        "title: R\nsteps:\n  - prepare: Roll the mat into a log.\n    duration: ready 20s\n"
        "  - do: Lie down.\n    duration: ready\n  - do: Sit up.\n    duration: ready 1:30\n",
    )
    first, second, third = library.load(good).steps
    assert (first.until_ready, first.duration) == (True, 20.0)  # type: ignore[attr-defined]
    # No time given: as long as "Lie down. You have 15 seconds." takes to say, 10 s more, in
    # whole 5 s (model.ready_default_seconds).
    assert (second.until_ready, second.duration) == (True, 15.0)  # type: ignore[attr-defined]
    assert (third.until_ready, third.duration) == (True, 90.0)  # type: ignore[attr-defined]
    bad = write(
        tmp_path / "bad.yaml",
        "title: R\nsteps:\n  - do: Lie down.\n    duration: ready soon\n"
        "  - hold: Stay.\n    duration: ready 20s\n",
    )
    with pytest.raises(RoutineError) as raised:
        library.load(bad)
    first_problem, second_problem = raised.value.problems
    assert (first_problem.position.line, first_problem.position.column) == (4, 15)
    assert "found 'ready soon' (write ready, or ready and a duration" in first_problem.message
    assert (second_problem.position.line, second_problem.position.column) == (6, 15)


def test_cue_note_and_caution_text_that_names_a_key_is_a_positioned_warning(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "keys.yaml",
        "title: Press Enter\ncaution: Press + if you like.\nsteps:\n"
        "  - prepare: Get the mat. Press Enter when it is ready.\n    duration: ready\n"
        "    note: Stay longer with +.\n"
        "  - hold: Press your heel into the floor and press harder.\n    duration: 5s\n",
    )
    found = [(p.position.line, p.position.column, p.severity) for p in library.check(path)]
    assert found == [
        (2, 10, Severity.WARNING),
        (4, 14, Severity.WARNING),
        (6, 11, Severity.WARNING),
    ]
