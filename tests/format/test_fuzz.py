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


# ---- structure: random trees of valid and invalid parts, written as YAML text ----------------
#
# The generators above make data that PyYAML can dump; these write YAML text themselves, so
# that what a dumper never writes (tags, anchors and aliases in any place, numbers of 5,000
# digits, escapes for control characters) lands anywhere in an otherwise sensible routine.
# The catch-all "calfkit could not check this file" must never be needed.

CATCH_ALL = "calfkit could not check this file"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar, control characters as escapes."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


ESCAPES = ["\x1b[?25l", "\x1b]52;c;cm0gLXJmIH4vKg==\x07", "\x1b]8;;http://x\x1b\\", "\x9b31m"]
controls = st.lists(
    st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x1F),
        st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
        st.sampled_from(ESCAPES),
        st.sampled_from(list("ab {}")),
    ),
    max_size=8,
).map("".join)
texts = st.one_of(
    st.sampled_from(
        ["Stand tall", "Press your {side} heel", "Round {round} of {rounds}", "{sdie}"]
    ),
    controls.map(lambda text: "Cue " + text),
)
huge = st.integers(min_value=4290, max_value=4400).map(lambda n: "9" * n)
scalar_text = st.one_of(
    texts.map(_quoted),
    st.sampled_from(["1", "0", "-3", "1.5", "45s", "1:30", "ready", "yes", "~", "1e400", ".nan"]),
    huge,
    st.sampled_from(["!!str right", "!!python/object:os.system x", "&a right", "*a", "!x 1"]),
)


@st.composite
def yaml_value(draw: st.DrawFn, depth: int) -> str:
    """A scalar, a flow list or a flow mapping of steps, as YAML text."""
    choice = draw(st.integers(0, 3 if depth < 4 else 0))
    if choice == 0:
        return draw(scalar_text)
    if choice == 1:
        items = [draw(scalar_text) for _ in range(draw(st.integers(0, 3)))]
        sides = draw(
            st.lists(st.sampled_from(["right", "left", "up", "*a", "!!str left"]), max_size=3)
        )
        return "[" + ", ".join(draw(st.sampled_from([items, sides]))) + "]"
    if choice == 2:
        return (
            "["
            + ", ".join(draw(yaml_step(depth + 1)) for _ in range(draw(st.integers(0, 3))))
            + "]"
        )
    return draw(yaml_step(depth + 1))


@st.composite
def yaml_step(draw: st.DrawFn, depth: int) -> str:
    """One step as a flow mapping: a kind key (or none, or two) and other keys, right or wrong."""
    kinds = [kind.key for kind in spec.STEP_KINDS]
    keys = draw(st.lists(st.sampled_from([*kinds, *spec.ALL_STEP_KEYS, "hodl", "zz"]), max_size=4))
    if draw(st.booleans()):
        keys.insert(0, draw(st.sampled_from(kinds)))
    pairs = []
    for key in dict.fromkeys(keys):
        if key in ("steps",):
            value = (
                "["
                + ", ".join(draw(yaml_step(depth + 1)) for _ in range(draw(st.integers(0, 2))))
                + "]"
            )
        else:
            value = draw(yaml_value(depth))
        pairs.append(f"{key}: {value}")
    return "{" + ", ".join(pairs) + "}"


@st.composite
def yaml_routine(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(f"title: {draw(scalar_text)}")
    for key in draw(
        st.lists(
            st.sampled_from(
                ["description", "caution", "name", "tags", "equipment", "calfkit", "titel"]
            ),
            max_size=3,
            unique=True,
        )
    ):
        lines.append(f"{key}: {draw(yaml_value(3))}")
    steps = [draw(yaml_step(0)) for _ in range(draw(st.integers(0, 4)))]
    lines.append("steps:" + "".join(f"\n  - {step}" for step in steps))
    return "\n".join(lines) + "\n"


@settings(FUZZ, max_examples=100)
@given(text=yaml_routine())
def test_random_trees_of_good_and_bad_parts(tmp_path: Path, text: str) -> None:
    # check(), unlike check_safely(), lets a bug out as an exception: none may come.
    problems = check_bytes(tmp_path, text.encode("utf-8"))
    assert not any(CATCH_ALL in problem.message for problem in problems)
    if any(problem.severity is Severity.ERROR for problem in problems):
        return
    from calfkit.text import first_control
    from calfkit.timeline import compile_routine

    path = tmp_path / "tree.yaml"
    path.write_text(text, encoding="utf-8")
    routine = library.load(path)
    # What loads holds no control characters (newlines and tabs aside), and compiles.
    for field in (routine.title, routine.description or "", routine.caution or ""):
        assert first_control(field) is None
    for segment in compile_routine(routine).segments:
        assert first_control(segment.text) is None
