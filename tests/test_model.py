"""model: the home of the step kinds. Each kind is declared once (a Kind and a model class that
answers a visitor); every branch over kinds is a visitor, which cannot be made without an
answer for every kind."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from calfkit import model
from calfkit.format import spec
from calfkit.model import Kind, StepVisitor

SRC = Path(model.__file__).parent
STEP_CLASSES = [
    cls
    for cls in vars(model).values()
    if inspect.isclass(cls) and issubclass(cls, model.StepBase) and cls is not model.StepBase
]


def test_every_kind_has_one_model_class_and_the_classes_are_the_steps() -> None:
    assert sorted(cls.kind.value for cls in STEP_CLASSES) == sorted(kind.value for kind in Kind)
    assert set(STEP_CLASSES) == set(model.Step.__args__)  # type: ignore[attr-defined]


def test_the_kinds_are_the_formats_kind_keys_in_the_same_order() -> None:
    assert [kind.key for kind in spec.STEP_KINDS] == [kind.value for kind in Kind]
    assert all(spec.declared(kind).kind is kind for kind in Kind)
    assert spec.KINDS_TEXT.endswith(f" or {list(Kind)[-1].value}")
    for kind in Kind:
        assert kind.value in spec.KINDS_TEXT


def test_a_step_answers_with_the_visitor_method_named_after_its_kind() -> None:
    # One method per kind, each answering with its own name.
    methods = {kind.value: (lambda name: lambda self, step: name)(kind.value) for kind in Kind}
    assert set(methods) == set(StepVisitor.__abstractmethods__)
    named = type("Named", (StepVisitor,), methods)()
    for cls in STEP_CLASSES:
        step = object.__new__(cls)  # which fields it has does not matter here
        assert step.accept(named) == cls.kind.value


def test_a_visitor_that_misses_a_kind_cannot_be_made() -> None:
    class Partial(model.BlockVisitor[int]):
        def timed(self, step: model.TimedStep) -> int:
            return 1

        def repeat(self, step: model.Repeat) -> int:
            return 2

        def sides(self, step: model.Sides) -> int:
            return 3

    with pytest.raises(TypeError, match="routine"):
        Partial()  # type: ignore[abstract]


def test_unreachable_says_what_was_not_handled() -> None:
    with pytest.raises(AssertionError, match="REPEAT"):
        model.unreachable(Kind.REPEAT)  # type: ignore[arg-type]


def _kind_branches(path: Path) -> list[str]:
    """Each ``isinstance`` call in ``path`` that names a step class."""
    classes = {cls.__name__ for cls in STEP_CLASSES} | {"Step", "TimedStep", "Block"}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            named = {
                part.attr if isinstance(part, ast.Attribute) else part.id
                for part in ast.walk(node.args[1])
                if isinstance(part, (ast.Attribute, ast.Name))
            }
            if named & classes:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_no_module_but_the_model_branches_on_step_classes() -> None:
    others = [path for path in sorted(SRC.rglob("*.py")) if path != SRC / "model.py"]
    assert [found for path in others for found in _kind_branches(path)] == []
    grep = [
        f"{path.relative_to(SRC)}:{number}"
        for path in others
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"isinstance\(.*Step", line)
    ]
    assert grep == []


# ---- no function over the limit where the kinds are used ----------------------------------

LIMIT = 80
GUARDED = ["format", "timeline.py", "cli/show_cmd.py", "export/fit.py", "model.py"]


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1})"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LIMIT
    ]


@pytest.mark.parametrize("guarded", GUARDED)
def test_no_function_is_over_80_lines(guarded: str) -> None:
    target = SRC / guarded
    paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    assert [found for path in paths for found in _long_functions(path)] == []


@pytest.mark.parametrize("count", [0, 1, 5, 20, 60, 200, 40_000])
def test_a_plain_ready_step_lasts_its_said_cue_and_ten_seconds_more_up_to_a_steps_most(
    count: int,
) -> None:
    from calfkit import words

    cue = " ".join(["roll,"] * count)
    seconds = model.ready_default_seconds(cue)
    said = words.speaking_seconds(words.ready_announcement(cue, seconds))
    assert seconds % 5 == 0
    if said + model.READY_MARGIN_SECONDS <= model.MAX_STEP_SECONDS:
        assert said + model.READY_MARGIN_SECONDS <= seconds < said + model.READY_MARGIN_SECONDS + 5
    else:
        assert seconds == model.MAX_STEP_SECONDS  # a cue of thousands of words
