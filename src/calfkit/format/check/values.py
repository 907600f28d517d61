"""Checking single values against their types in the spec: text, slugs, durations, numbers,
lists, sides, routine names; and the checked values the step builders read.

Each check takes a node and what its key expects (a :mod:`calfkit.format.spec` value type),
records a positioned problem when the node is not that, and gives the value or
:data:`~calfkit.format.check.report.INVALID`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from calfkit.errors import Position
from calfkit.format import spec
from calfkit.format.check.report import INVALID, Invalid, Reporter, close_match
from calfkit.format.placeholders import PLACEHOLDERS
from calfkit.format.source import Node, ScalarNode, SeqNode, describe, quoted, resolve_plain
from calfkit.model import MAX_STEP_SECONDS, Side, Step
from calfkit.text import blank, clean, control_name, first_control


@dataclass(frozen=True)
class SideList:
    """A checked ``sides:`` list (wrapped, so a value's type says which key it came from)."""

    sides: tuple[Side, ...]


@dataclass(frozen=True)
class StepList:
    """A checked list of steps."""

    steps: tuple[Step, ...]


Value = str | float | int | tuple[str, ...] | SideList | StepList
"""A checked value: text (or ``ready``), seconds, a whole number, a list of text or slugs,
sides, or steps. Which one a key holds is fixed by its :class:`~calfkit.format.spec.Key`."""


@dataclass(frozen=True)
class Scope:
    """Which blocks a text value is inside, for the placeholders it may use."""

    sides: bool = False
    repeat: bool = False

    def inside(self, kind: str) -> Scope:
        if kind == "sides" and not self.sides:
            return Scope(True, self.repeat)
        if kind == "repeat" and not self.repeat:
            return Scope(self.sides, True)
        return self


TOP = Scope()

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,39})\}")


class Values:
    """The other keys of a mapping, checked; typed getters for the step builders."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Value]) -> None:
        self.data = data

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        return value if isinstance(value, str) else None

    def seconds(self, name: str, default: float) -> float:
        value = self.data.get(name)
        return value if isinstance(value, float) else default

    def number(self, name: str, default: int) -> int:
        value = self.data.get(name)
        return value if isinstance(value, int) and not isinstance(value, float) else default

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name)
        return value if isinstance(value, tuple) else ()

    def steps(self) -> tuple[Step, ...]:
        match self.data.get("steps"):
            case StepList(steps=steps):
                return steps
            case _:
                raise AssertionError("a block step was built without its steps")


class Parts:
    """One step, checked: the kind key's value, the other keys, and where the step is.

    A plain class with slots, not a frozen dataclass: one is made per step, 100,000 times
    for a full-size file, and a frozen dataclass's __init__ costs several times more.
    """

    __slots__ = ("exercise", "head", "head_node", "level", "name", "note", "position", "values")

    def __init__(
        self, head: Value, head_node: Node, values: Values, position: Position, level: int
    ) -> None:
        self.head = head
        self.head_node = head_node
        self.values = values
        self.position = position
        self.level = level
        data = values.data
        name = data.get("name") if data else None
        note = data.get("note") if data else None
        self.name = name if isinstance(name, str) else None
        self.note = note if isinstance(note, str) else None
        exercise = data.get("exercise") if data else None
        self.exercise = exercise if isinstance(exercise, str) else None


# Text that is only read, never spoken or sent to a watch: it may name keys.
_UNSPOKEN = ("'title'", "'description'")


class ValueChecks(Reporter):
    """Checks of single values against their spec types."""

    def wrong(self, node: Node, label: str, expected: str) -> Invalid:
        found = describe(node)
        quotable = (
            isinstance(node, ScalarNode)
            and node.plain
            and isinstance(node.value, (bool, int, float))
        )
        # A routine called 123.yaml or true.yaml (`calfkit new 123`) is included as "123".
        if quotable and expected.startswith(("text", "a slug", "a routine name")):
            found += " (put it in quotes to use it as text)"
        return self.problem_at(node, f"{label} must be {expected}; found {found}")

    def text(self, kind: spec.Text, node: Node, label: str, *, scope: Scope) -> str | Invalid:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        value = node.value
        if not value.isprintable():  # rare: most text has no newline, let alone an escape
            value = self.without_controls(value, node, label)
        if not value.strip():
            return self.problem(node.position, f"{label} must be {kind.expected}; found empty text")
        if blank(value):
            # A zero-width space, a Hangul filler: text that a title row would show as nothing.
            hidden = ", ".join(dict.fromkeys(control_name(char) for char in value.strip()))
            return self.problem(
                node.position,
                f"{label} must be {kind.expected}; found only characters that show nothing "
                f"({hidden})",
            )
        if kind.max_length is not None and len(value) > kind.max_length:
            return self.problem(
                node.position,
                f"{label} must be {kind.expected}; found {len(value)} characters",
            )
        if "{" in value and not self.placeholders(value, node, label, scope):
            return INVALID
        if not label.endswith(_UNSPOKEN) and "'equipment'" not in label:
            self.keys_named(value, node, label)
        return value

    def keys_named(self, value: str, node: ScalarNode, label: str) -> None:
        """A warning where spoken or watch text names a key: a track and a watch have none."""
        found = spec.KEY_WORDS_RE.search(value)
        if found is not None:
            self.warning(
                node,
                f"{label} names a key ({found.group(0).strip()!r}); a track and a watch have no "
                "keys: leave out how to go on or stay longer, calfkit says it for each medium",
            )

    def without_controls(self, value: str, node: ScalarNode, label: str) -> str:
        """The text with control characters removed, and a warning where it held any."""
        control = first_control(value)
        if control is None:
            return value  # newlines, tabs and other unprintable but harmless characters
        self.warning(
            node,
            f"{label} holds the control character {control_name(control)}; it is removed "
            "(control characters could drive the terminal)",
        )
        return clean(value, layout=True)

    def placeholders(self, value: str, node: ScalarNode, label: str, scope: Scope) -> bool:
        """Check the ``{…}`` placeholders in text; False (with an error) if one is misplaced."""
        ok = True
        for match in PLACEHOLDER_RE.finditer(value):
            word = match.group(1)
            block = PLACEHOLDERS.get(word)
            if block is None:
                close = close_match(word, list(PLACEHOLDERS), cutoff=0.6)
                hint = f"did you mean {{{close}}}?" if close else PLACEHOLDER_HINT
                self.warning(node, f"{label} has {{{word}}}, which is not a placeholder; {hint}")
            elif not (scope.sides if block == "sides" else scope.repeat):
                self.problem(
                    node.position,
                    f"{label} uses {{{word}}}, which only works inside a {block} step",
                )
                ok = False
        return ok

    def language(self, kind: spec.Language, node: Node, label: str) -> str | Invalid:
        if (
            isinstance(node, ScalarNode)
            and isinstance(node.value, str)
            and spec.LANGUAGE_RE.match(node.value)
        ):
            return node.value
        return self.wrong(node, label, kind.expected)

    def choice(self, kind: spec.Choice, node: Node, label: str) -> str | Invalid:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        if node.value not in kind.values:
            return self.wrong(node, label, kind.expected)
        return node.value

    def slug(self, kind: spec.Slug, node: Node, label: str) -> str | Invalid:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        text = node.value
        if not spec.SLUG_RE.match(text):
            return self.wrong(node, label, kind.expected)
        if kind.max_length is not None and len(text) > kind.max_length:
            return self.problem(
                node.position, f"{label} must be {kind.expected}; found {len(text)} characters"
            )
        return text

    def ready(self, value: str, node: Node, label: str, kind: spec.Duration) -> str | Invalid:
        """``ready``, or ``ready`` and the time a track or a piped session gives the step
        (``ready 20s``), as :func:`calfkit.format.spec.ready_seconds` reads it."""
        if value == spec.READY:
            return value
        seconds = spec.parse_duration_text(value[len(spec.READY) + 1 :])
        if seconds is None or not 0 < seconds <= MAX_STEP_SECONDS:
            return self.problem(
                node.position,
                f"{label} must be {kind.expected}; found {value!r} (write ready, or ready and "
                "a duration such as ready 20s)",
            )
        return value

    def duration(self, kind: spec.Duration, node: Node, label: str) -> float | str | Invalid:
        if type(node) is ScalarNode:
            value = node.value
            # The common case, a plain number in range (NaN fails both comparisons).
            if (type(value) is int or type(value) is float) and 0 < value <= MAX_STEP_SECONDS:
                return float(value)
        if not isinstance(node, ScalarNode):
            return self.wrong(node, label, kind.expected)
        value = node.value
        if isinstance(value, str):
            if value == spec.READY or value.startswith(spec.READY + " "):
                if kind.ready:
                    return self.ready(value, node, label, kind)
                return self.problem(
                    node.position,
                    f"{label} must be {kind.expected}; found 'ready' "
                    "(only prepare and do steps can wait until ready)",
                )
            seconds = spec.parse_duration_text(value)
            if seconds is None:
                if value.startswith("-") and spec.parse_duration_text(value[1:]) is not None:
                    return self.problem(
                        node.position, f"{label} must be more than 0 seconds; found {value!r}"
                    )
                if not node.plain and isinstance(resolve_plain(value), (int, float)):
                    # Offer "45s" only where it is itself a duration: "1e3s" and "0x10s" are not.
                    spelled = (
                        f"{value} or {value}s"
                        if spec.parse_duration_text(f"{value}s")
                        else f"{value} without quotes"
                    )
                    return self.problem(
                        node.position,
                        f"{label} must be {kind.expected}; found {value!r}, a number in quotes "
                        f"(write {spelled})",
                    )
                return self.wrong(node, label, kind.expected)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and math.isnan(value):
                return self.wrong(node, label, kind.expected)
            # A huge whole number is too large for a float: only its sign matters here.
            if abs(value) <= MAX_STEP_SECONDS:
                seconds = float(value)
            else:
                seconds = math.inf if value > 0 else -math.inf
        else:
            return self.wrong(node, label, kind.expected)
        if seconds == 0 and kind.zero:
            return 0.0
        if seconds <= 0:
            expected = "0 or more" if kind.zero else "more than 0 seconds"
            return self.problem(
                node.position, f"{label} must be {expected}; found {shown_text(node)}"
            )
        if seconds > MAX_STEP_SECONDS:
            return self.problem(
                node.position,
                f"{label} must be at most {MAX_STEP_SECONDS // 3600} hours"
                f" ({MAX_STEP_SECONDS} seconds); found {shown_text(node)}",
            )
        return seconds

    def whole_number(self, kind: spec.WholeNumber, node: Node, label: str) -> int | Invalid:
        number = whole(node)
        if number is None:
            return self.wrong(node, label, kind.expected)
        too_big = kind.maximum is not None and number > kind.maximum
        if number < kind.minimum or too_big:
            return self.wrong(node, label, kind.expected)
        return number

    def version(self, kind: spec.Version, node: Node, label: str) -> int | Invalid:
        if whole(node) != kind.value:
            return self.problem(
                node.position,
                f"{label} is the format version and must be {kind.value}; found {describe(node)}",
            )
        return kind.value

    def list_of(
        self, kind: spec.ListOf, node: Node, label: str, *, scope: Scope
    ) -> tuple[str, ...] | Invalid:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, kind.expected)
        items: list[str] = []
        invalid = False
        slug_match = spec.SLUG_RE.match
        for index, item in enumerate(node.items, start=1):
            if (  # the common case, a good slug, checked without building a label
                type(item) is ScalarNode
                and type(item.value) is str
                and isinstance(kind.item, spec.Slug)
                and slug_match(item.value)
                and len(item.value) <= (kind.item.max_length or len(item.value))
            ):
                items.append(item.value)
                continue
            if self.loader.problems.full:
                # Enough said: a list of 300,000 bad tags must not take seconds to refuse.
                self.loader.problems.drop()
                return INVALID
            if item.broken:
                self.failed = invalid = True
                continue
            item_label = f"{label} item {index}"
            if isinstance(kind.item, spec.Slug):
                checked = self.slug(kind.item, item, item_label)
            else:
                checked = self.text(kind.item, item, item_label, scope=scope)
            if checked is INVALID:
                invalid = True
            else:
                items.append(checked)
        return INVALID if invalid else tuple(items)

    def side_list(self, kind: spec.SideList, node: Node, label: str) -> SideList | Invalid:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, kind.expected)
        if not node.items:
            return self.problem(
                node.position, f"{label} is an empty list; list right, left or both"
            )
        sides: list[Side] = []
        failed = False
        for item in node.items:
            if item.broken:  # a tag or an alias, already reported: this file has failed
                self.failed = failed = True
                continue
            value = item.value if isinstance(item, ScalarNode) else None
            if not isinstance(value, str) or value not in spec.SIDES:
                self.problem(
                    item.position,
                    f"{label} lists {describe(item)}, which is not a side; use right or left",
                )
                failed = True
                continue
            side = Side(value)
            if side in sides:
                self.problem(item.position, f"{label} lists '{value}' twice")
                failed = True
                continue
            sides.append(side)
        return INVALID if failed else SideList(tuple(sides))

    def routine_ref(self, kind: spec.RoutineRef, node: Node, label: str) -> str | Invalid:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        ref = node.value
        if not (spec.SLUG_RE.match(ref) or ref.endswith((".yaml", ".yml"))):
            return self.wrong(node, label, kind.expected)
        return ref

    # ---- steps ---------------------------------------------------------------------------


PLACEHOLDER_HINT = (
    "placeholders are {side} and {other_side} (in sides), {round} and {rounds} (in repeat)"
)


def whole(node: Node) -> int | None:
    if not isinstance(node, ScalarNode):
        return None
    value = node.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def shown_text(node: ScalarNode) -> str:
    return quoted(node.text) if isinstance(node.value, str) else describe(node)
