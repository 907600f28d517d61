"""Anything at all fed to the loader gives a routine or positioned problems, never a crash."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from calfkit import library
from calfkit.errors import Problem, RoutineError, Severity
from calfkit.format import spec
from calfkit.model import Routine

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    # No "explain" phase: it imports modules that warn, and warnings are errors here.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
_counter = itertools.count()


def check_bytes(directory: Path, data: bytes) -> list[Problem]:
    """Check a file holding data: the outcome must be a routine or positioned problems."""
    path = directory / f"fuzz-{next(_counter)}.yaml"
    path.write_bytes(data)
    problems = library.check(path)
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    try:
        routine = library.load(path)
    except RoutineError as error:
        assert errors, "load() refused a file that check() passed"
        assert list(error.problems) == errors
    else:
        assert isinstance(routine, Routine)
        assert errors == []
    text = data.decode("utf-8", errors="replace")
    # YAML also breaks lines at \r, NEL and the Unicode separators; editors count \n.
    most_lines = len(re.split("\r\n|[\n\r\x85\u2028\u2029]", text))
    widest = max(len(line) for line in text.split("\n"))
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.message and problem.message.isprintable(), problem
        if problem.position.path == str(path):
            assert 1 <= problem.position.line <= most_lines + 1, problem
            assert 1 <= problem.position.column <= widest + 2, problem
    path.unlink()
    return problems


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text(tmp_path: Path, text: str) -> None:
    check_bytes(tmp_path, text.encode("utf-8"))


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    check_bytes(tmp_path, data)


yaml_ish_text = st.text(
    alphabet=st.sampled_from(list("abc-: []{}#&*!|>'\"\n  ,?%@`0123456789.sm\t")), max_size=200
)


@FUZZ
@given(text=yaml_ish_text)
def test_text_made_of_yaml_punctuation(tmp_path: Path, text: str) -> None:
    check_bytes(tmp_path, text.encode("utf-8"))


format_words = sorted(
    {key.name for key in spec.TOP_KEYS}
    | set(spec.ALL_STEP_KEYS)
    | {"right", "left", "ready", "45s", "1:30", "{side}", "x.yaml"}
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(format_words),
)
keys = st.one_of(st.sampled_from(format_words), st.text(max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=30,
)


@FUZZ
@given(document=documents)
def test_arbitrary_yaml_shaped_data(tmp_path: Path, document: Any) -> None:
    check_bytes(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


step_values = st.one_of(scalars, st.lists(st.sampled_from(["right", "left", "up"]), max_size=3))


@st.composite
def routine_shaped(draw: st.DrawFn) -> dict[str, Any]:
    steps = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        step = {draw(st.sampled_from([k.key for k in spec.STEP_KINDS])): draw(step_values)}
        for key in draw(st.lists(st.sampled_from(list(spec.ALL_STEP_KEYS)), max_size=3)):
            step[key] = draw(st.one_of(step_values, st.just([{"rest": 1}])))
        steps.append(step)
    document: dict[str, Any] = {"title": draw(scalars), "steps": steps}
    for key in draw(st.lists(st.sampled_from([k.name for k in spec.TOP_KEYS]), max_size=3)):
        document[key] = draw(st.one_of(scalars, st.lists(scalars, max_size=3)))
    return document


@FUZZ
@given(document=routine_shaped())
def test_routine_shaped_data_near_the_format(tmp_path: Path, document: dict[str, Any]) -> None:
    check_bytes(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


GOOD = sorted((Path(__file__).parent.parent / "routines" / "good").glob("*.yaml"))


@FUZZ
@given(
    which=st.integers(min_value=0, max_value=len(GOOD) - 1),
    cuts=st.lists(st.tuples(st.integers(0, 2000), st.text(max_size=3)), min_size=1, max_size=4),
)
def test_good_files_with_random_edits(
    tmp_path: Path, which: int, cuts: list[tuple[int, str]]
) -> None:
    text = GOOD[which].read_text(encoding="utf-8")
    for at, insert in cuts:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + 1 :]
    # Keep relative includes resolvable from the copy's folder.
    (tmp_path / "parts").mkdir(exist_ok=True)
    for part in (GOOD[which].parent / "parts").glob("*.yaml"):
        (tmp_path / "parts" / part.name).write_bytes(part.read_bytes())
    check_bytes(tmp_path, text.encode("utf-8"))
