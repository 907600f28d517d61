"""Loading routine files: YAML nodes checked against the format spec, turned into the model.

Every problem in a file (and in the files it includes) is collected, each at the key or value
it is about, with what was expected and what was found. :func:`load` raises them all as one
:class:`~calfkit.errors.RoutineError`; :func:`check` returns them and never raises for bad
input. Includes are resolved here, recursively, with cycles named; the expanded limits are
checked with :mod:`calfkit.format.measure`'s arithmetic.

An include by name (``routine: warm-up``) needs the routine library, which sits above this
module: whoever loads passes a :data:`FindByName` in (:mod:`calfkit.library` passes its own
lookup), so nothing here imports the library.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Final

from calfkit import words
from calfkit.errors import CalfkitError, Position, Problem, ProblemList, RoutineError, Severity
from calfkit.format import measure, spec
from calfkit.format.source import (
    MapNode,
    Node,
    ScalarNode,
    SeqNode,
    describe,
    no_gc,
    os_reason,
    quoted,
    read_source,
    resolve_plain,
)
from calfkit.model import (
    DEFAULT_COUNT_EVERY,
    DEFAULT_COUNTDOWN,
    DEFAULT_EXHALE,
    DEFAULT_INHALE,
    DEFAULT_LANGUAGE,
    DEFAULT_PREPARE_SECONDS,
    DEFAULT_REST_CUE,
    DEFAULT_SWITCH_SECONDS,
    MAX_EVENTS,
    MAX_NESTING,
    MAX_STEP_SECONDS,
    MAX_TOTAL_SECONDS,
    READY_FALLBACK_SECONDS,
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Rest,
    Routine,
    Side,
    Sides,
    Step,
)
from calfkit.text import clean, control_name, first_control

FindByName = Callable[[str, Path], Path]
"""Turns the name in ``routine: NAME`` into a file, given the file that includes it; raises
:class:`~calfkit.errors.CalfkitError` (saying why) when nothing has that name."""


def load(path: str | os.PathLike[str], *, find: FindByName | None = None) -> Routine:
    """Read, check and build a routine and its includes; raise RoutineError with every problem.

    ``find`` looks up includes by name; without it, an include by name is a problem.
    """
    loader = _Loader(find)
    with no_gc():
        routine = loader.load_file(str(path))
    if routine is None or loader.problems.errors:
        errors = [p for p in loader.problems.final() if p.severity is Severity.ERROR]
        raise RoutineError(errors or loader.problems.final())
    return routine


def examine(
    path: str | os.PathLike[str], *, find: FindByName | None = None
) -> tuple[Routine | None, list[Problem]]:
    """From one reading: the routine (None when it has errors) and every problem in it and
    the files it includes, in file order (warnings too)."""
    loader = _Loader(find)
    with no_gc():
        routine = loader.load_file(str(path))
    if loader.problems.errors:
        routine = None
    return routine, loader.problems.final()


def check(path: str | os.PathLike[str], *, find: FindByName | None = None) -> list[Problem]:
    """Every problem in a routine file and the files it includes, in file order; [] when valid."""
    return examine(path, find=find)[1]


def check_safely(path: str | os.PathLike[str], *, find: FindByName | None = None) -> list[Problem]:
    """Like :func:`check`, but a bug in calfkit also comes back as a problem, not a traceback."""
    try:
        return check(path, find=find)
    except Exception as error:  # the command line must never show a traceback
        return [_could_not_check(path, error)]


def examine_safely(
    path: str | os.PathLike[str], *, find: FindByName | None = None
) -> tuple[Routine | None, list[Problem]]:
    """Like :func:`examine`, but a bug in calfkit also comes back as a problem."""
    try:
        return examine(path, find=find)
    except Exception as error:  # the command line must never show a traceback
        return None, [_could_not_check(path, error)]


def _could_not_check(path: str | os.PathLike[str], error: Exception) -> Problem:
    message = f"calfkit could not check this file ({type(error).__name__}: {error})"
    return Problem(Position(str(path), 1, 1), message)


# How alike a misspelt key must be to a real one for a did-you-mean ('hodl' -> 'hold' is 0.75;
# 'author' -> 'caution', 0.62, is not a helpful guess).
_CLOSE_ENOUGH = 0.7


class Invalid(Enum):
    """The type of :data:`INVALID`: a value that could not be read (its problem is recorded)."""

    INVALID = "invalid"


INVALID: Final = Invalid.INVALID
"""Marks a value that could not be read; its problem is already recorded."""


@dataclass(frozen=True)
class _SideList:
    """A checked ``sides:`` list (wrapped, so a value's type says which key it came from)."""

    sides: tuple[Side, ...]


@dataclass(frozen=True)
class _StepList:
    """A checked list of steps."""

    steps: tuple[Step, ...]


Value = str | float | int | tuple[str, ...] | _SideList | _StepList
"""A checked value: text (or ``ready``), seconds, a whole number, a list of text or slugs,
sides, or steps. Which one a key holds is fixed by its :class:`~calfkit.format.spec.Key`."""


@dataclass(frozen=True)
class _Scope:
    """Which blocks a text value is inside, for the placeholders it may use."""

    sides: bool = False
    repeat: bool = False

    def inside(self, kind: str) -> _Scope:
        if kind == "sides" and not self.sides:
            return _Scope(True, self.repeat)
        if kind == "repeat" and not self.repeat:
            return _Scope(self.sides, True)
        return self


_TOP = _Scope()

# Each placeholder and the block it works in (the timeline fills it in there).
PLACEHOLDERS: dict[str, str] = {
    "side": "sides",
    "other_side": "sides",
    "round": "repeat",
    "rounds": "repeat",
}
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,39})\}")


class _Values:
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
        value = self.data.get("steps")
        if not isinstance(value, _StepList):
            raise AssertionError("a block step was built without its steps")
        return value.steps


class _Parts:
    """One step, checked: the kind key's value, the other keys, and where the step is.

    A plain class with slots, not a frozen dataclass: one is made per step, 100,000 times
    for a full-size file, and a frozen dataclass's __init__ costs several times more.
    """

    __slots__ = ("head", "head_node", "level", "name", "note", "position", "values")

    def __init__(
        self, head: Value, head_node: Node, values: _Values, position: Position, level: int
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


class _Loader:
    """One load: the problems so far, the files being loaded (for cycles), the files done."""

    def __init__(self, find: FindByName | None) -> None:
        self.find = find
        self.problems = ProblemList()
        self.loading: list[tuple[Path, str]] = []  # (resolved, as shown), outermost first
        self.done: dict[Path, Routine | None] = {}

    def load_file(self, shown: str) -> Routine | None:
        source = read_source(shown)
        self.problems.extend(source.problems)
        if source.root is None:
            return None
        resolved = _resolved(Path(shown))
        self.loading.append((resolved, shown))
        try:
            builder = _RoutineBuilder(self, shown)
            routine = builder.routine(source.root, source.data)
        finally:
            self.loading.pop()
        failed = source.failed or builder.failed
        return None if failed else routine

    def include(self, ref: str, node: ScalarNode, including: str) -> Routine | None:
        """The routine a ``routine:`` step names; None (with a problem recorded) if unusable."""
        if spec.SLUG_RE.match(ref) and not ref.endswith((".yaml", ".yml")):
            found = self._find_by_name(ref, node, including)
            if found is None:
                return None
            target = found
            shown = str(found)
        else:
            folder = Path(including).parent
            if os.path.islink(including):
                # A routine shared by a symbolic link (into the routines folder, say) means
                # its paths from where it really is, as its author wrote them.
                folder = Path(os.path.realpath(including)).parent
            target = folder / ref
            shown = os.path.normpath(str(target))
            what = _not_a_file(target)
            if what is not None:
                self.problems.append(
                    Problem(node.position, f"included routine {quoted(ref)} not found: {what}")
                )
                return None
        resolved = _resolved(target)
        for index, (open_path, _) in enumerate(self.loading):
            if open_path == resolved:
                chain = [name for _, name in self.loading[index:]] + [shown]
                self.problems.append(Problem(node.position, "include cycle: " + " -> ".join(chain)))
                return None
        if resolved not in self.done:
            self.done[resolved] = self.load_file(shown)
        return self.done[resolved]

    def _find_by_name(self, name: str, node: ScalarNode, including: str) -> Path | None:
        if self.find is None:
            self.problems.append(
                Problem(
                    node.position,
                    f"cannot look up the routine {name!r}: no routine library to look in",
                )
            )
            return None
        try:
            return self.find(name, Path(including))
        except CalfkitError as error:
            detail = f": {error}" if str(error) else ""
            self.problems.append(
                Problem(node.position, f"included routine {quoted(name)} not found{detail}")
            )
            return None
        except OSError as error:  # a name too long for the file system, a loop of links
            self.problems.append(
                Problem(node.position, f"included routine {quoted(name)}: {os_reason(error)}")
            )
            return None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be an included routine file, or None when it is a file."""
    shown = os.path.normpath(str(path))
    try:
        # os.stat, not is_file/exists: those call a symlink loop "does not exist".
        found = os.stat(path)
    except FileNotFoundError:
        return f"{shown} does not exist"
    except OSError as error:  # ELOOP, ENAMETOOLONG, EACCES: say which
        return f"{quoted(shown)}: {os_reason(error)}"
    return None if stat.S_ISREG(found.st_mode) else f"{shown} is not a file"


class _RoutineBuilder:
    """Checks one file's node tree against the spec and builds its Routine."""

    def __init__(self, loader: _Loader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.failed = False

    def problem(self, position: Position, message: str) -> Invalid:
        self.failed = True
        self.loader.problems.append(Problem(position, message))
        return INVALID

    def problem_at(self, node: Node, message: str) -> Invalid:
        """Like problem(), at a node; past the cap the Position is never even built."""
        self.failed = True
        if self.loader.problems.full:
            self.loader.problems.drop()
        else:
            self.loader.problems.append(Problem(node.position, message))
        return INVALID

    def warning(self, node: Node, message: str) -> None:
        """Something allowed but probably not meant: reported, and the file still loads."""
        if self.loader.problems.full_for_warnings:
            self.loader.problems.drop(Severity.WARNING)
            return
        self.loader.problems.append(Problem(node.position, message, Severity.WARNING))

    # ---- the routine ---------------------------------------------------------------------

    def routine(self, root: MapNode, data: bytes) -> Routine | None:
        values = self.mapping(root, spec.TOP_KEYS, "", "the top level", scope=_TOP, depth=0)
        if self.failed or values is INVALID:
            return None
        title = values.text("title")
        steps = values.data.get("steps")
        if title is None or not isinstance(steps, _StepList):
            self.failed = True  # only reached if a problem was recorded without saying so
            return None
        routine = Routine(
            name=self.routine_name(root, values),
            title=title,
            steps=steps.steps,
            description=values.text("description"),
            tags=values.texts("tags"),
            equipment=values.texts("equipment"),
            caution=values.text("caution"),
            language=values.text("language") or DEFAULT_LANGUAGE,
            path=self.path,
            content_hash=_sha256(data),
        )
        steps_pair = root.get("steps")
        assert steps_pair is not None
        self.check_limits(routine, steps_pair[0].position)
        return None if self.failed else routine

    def routine_name(self, root: MapNode, values: _Values) -> str:
        # A name: key that differed from the file name made a routine found as one name,
        # listed as another and recorded as a third (issue 12, item 8): now there is one.
        """The file's name is the routine's name: the one ``play``, ``list`` and history use."""
        stem = Path(self.path).stem
        declared = values.text("name")
        pair = root.get("name")
        if declared is not None and declared != stem and pair is not None:
            self.warning(
                pair[1],
                f"name {quoted(declared)} differs from the file name {quoted(stem)}; "
                "rename the file or remove name: (the file name is the routine's name)",
            )
        return stem

    def check_limits(self, routine: Routine, where: Position) -> None:
        total = measure.seconds(routine.steps)
        if total > MAX_TOTAL_SECONDS:
            self.problem(
                where,
                f"the routine lasts {words.exact_length(total)} when expanded; "
                f"a routine may last at most {MAX_TOTAL_SECONDS // 3600} hours",
            )
        events = measure.event_count(routine.steps)
        if events > MAX_EVENTS:
            self.problem(
                where,
                f"the routine has {events:,} timed events when expanded "
                f"(steps, counts, breaths and countdown beeps); at most {MAX_EVENTS:,} are allowed",
            )

    # ---- mappings ------------------------------------------------------------------------

    def mapping(
        self,
        node: MapNode,
        keys: tuple[spec.Key, ...],
        context: str,
        what: str,
        *,
        scope: _Scope,
        depth: int,
        skip: tuple[str, ...] = (),
        anchor: Node | None = None,
        inner: _Scope | None = None,
        by_name: dict[str, spec.Key] | None = None,
    ) -> _Values | Invalid:
        """Check a mapping's keys and convert its values; missing optional keys are absent.

        ``anchor`` is where a missing key is reported (the node itself if not given);
        ``inner`` is the scope of its list of steps, if not ``scope``; ``by_name`` is
        ``keys`` by name, when the caller has it already. INVALID if any value is.
        """
        if by_name is None:
            by_name = {key.name: key for key in keys}
        values: dict[str, Value] = {}
        invalid = False
        suggested: set[str] = set()
        for key_node, value_node in node.pairs:
            key_name = key_node.value if isinstance(key_node.value, str) else None
            if key_name in skip:
                continue
            key = by_name.get(key_name) if key_name is not None else None
            if key is None:
                if self.loader.problems.full:  # see unknown_key(): nothing more is shown
                    self.failed = True
                    self.loader.problems.drop()
                    continue
                close = self.unknown_key(key_node, list(by_name), context, what)
                if close is not None:
                    suggested.add(close)
                continue
            sided = inner if inner is not None and isinstance(key.type, spec.Steps) else scope
            value = self.value(key, value_node, context, scope=sided, depth=depth)
            if value is INVALID:
                invalid = True
            else:
                values[key.name] = value
        for key in keys:
            if key.name in suggested:
                # "did you mean 'title'?" already says it; "missing 'title'" is noise
                invalid = invalid or key.required
                continue
            if key.required and key.name not in values:
                invalid = True  # missing, misspelt or invalid: either way, said once
                if node.get(key.name) is None:
                    self.problem(
                        (anchor or node).position,
                        f"{context}missing '{key.name}' ({key.type.expected})",
                    )
        return INVALID if invalid else _Values(values)

    def unknown_key(
        self, key_node: ScalarNode, allowed: list[str], context: str, what: str
    ) -> str | None:
        """Report a key that is not allowed here; return the allowed key it most likely meant."""
        if self.loader.problems.full:
            # Past the cap nothing more is shown: a did-you-mean for each of 100,000 unknown
            # keys would take seconds to work out for nothing.
            self.failed = True
            self.loader.problems.drop()
            return None
        shown = key_node.text
        close = _close_match(shown, allowed)
        hint = f"did you mean '{close}'?" if close else f"{what} takes: {', '.join(allowed)}"
        self.problem(key_node.position, f"{context}unknown key {quoted(shown)}; {hint}")
        return close

    # ---- values --------------------------------------------------------------------------

    def value(
        self, key: spec.Key, node: Node, context: str, *, scope: _Scope, depth: int
    ) -> Value | Invalid:
        if node.broken:
            self.failed = True
            return INVALID
        kind = key.type
        label = f"{context}'{key.name}'"
        if type(kind) is spec.Duration:
            return self.duration(kind, node, label)
        if isinstance(kind, spec.Text):
            return self.text(kind, node, label, scope=scope)
        if isinstance(kind, spec.Slug):
            return self.slug(kind, node, label)
        if isinstance(kind, spec.Language):
            return self.language(kind, node, label)
        if isinstance(kind, spec.Duration):
            return self.duration(kind, node, label)
        if isinstance(kind, spec.WholeNumber):
            return self.whole_number(kind, node, label)
        if isinstance(kind, spec.Version):
            return self.version(kind, node, label)
        if isinstance(kind, spec.ListOf):
            return self.list_of(kind, node, label, scope=scope)
        if isinstance(kind, spec.SideList):
            return self.side_list(kind, node, label)
        if isinstance(kind, spec.Steps):
            return self.steps(node, label, scope=scope, depth=depth)
        if isinstance(kind, spec.RoutineRef):
            return self.routine_ref(kind, node, label)
        raise AssertionError(f"unhandled value type {kind!r}")

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

    def text(self, kind: spec.Text, node: Node, label: str, *, scope: _Scope) -> str | Invalid:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        value = node.value
        if not value.isprintable():  # rare: most text has no newline, let alone an escape
            value = self.without_controls(value, node, label)
        if not value.strip():
            return self.problem(node.position, f"{label} must be {kind.expected}; found empty text")
        if kind.max_length is not None and len(value) > kind.max_length:
            return self.problem(
                node.position,
                f"{label} must be {kind.expected}; found {len(value)} characters",
            )
        if "{" in value and not self.placeholders(value, node, label, scope):
            return INVALID
        return value

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

    def placeholders(self, value: str, node: ScalarNode, label: str, scope: _Scope) -> bool:
        """Check the ``{…}`` placeholders in text; False (with an error) if one is misplaced."""
        ok = True
        for match in _PLACEHOLDER_RE.finditer(value):
            word = match.group(1)
            block = PLACEHOLDERS.get(word)
            if block is None:
                close = _close_match(word, list(PLACEHOLDERS), cutoff=0.6)
                hint = f"did you mean {{{close}}}?" if close else _PLACEHOLDER_HINT
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
            if value == spec.READY:
                if kind.ready:
                    return spec.READY
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
                node.position, f"{label} must be {expected}; found {_shown_text(node)}"
            )
        if seconds > MAX_STEP_SECONDS:
            return self.problem(
                node.position,
                f"{label} must be at most {MAX_STEP_SECONDS // 3600} hours"
                f" ({MAX_STEP_SECONDS} seconds); found {_shown_text(node)}",
            )
        return seconds

    def whole_number(self, kind: spec.WholeNumber, node: Node, label: str) -> int | Invalid:
        number = _whole(node)
        if number is None:
            return self.wrong(node, label, kind.expected)
        too_big = kind.maximum is not None and number > kind.maximum
        if number < kind.minimum or too_big:
            return self.wrong(node, label, kind.expected)
        return number

    def version(self, kind: spec.Version, node: Node, label: str) -> int | Invalid:
        if _whole(node) != kind.value:
            return self.problem(
                node.position,
                f"{label} is the format version and must be {kind.value}; found {describe(node)}",
            )
        return kind.value

    def list_of(
        self, kind: spec.ListOf, node: Node, label: str, *, scope: _Scope
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

    def side_list(self, kind: spec.SideList, node: Node, label: str) -> _SideList | Invalid:
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
        return INVALID if failed else _SideList(tuple(sides))

    def routine_ref(self, kind: spec.RoutineRef, node: Node, label: str) -> str | Invalid:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        ref = node.value
        if not (spec.SLUG_RE.match(ref) or ref.endswith((".yaml", ".yml"))):
            return self.wrong(node, label, kind.expected)
        return ref

    # ---- steps ---------------------------------------------------------------------------

    def steps(self, node: Node, label: str, *, scope: _Scope, depth: int) -> _StepList | Invalid:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, "a non-empty list of steps")
        if not node.items:
            return self.problem(
                node.position, f"{label} is an empty list; a list of steps needs at least one step"
            )
        if len(node.items) > MAX_EVENTS:
            # Every step is at least one timed event: the routine is over the limit whatever
            # its steps say, so it is refused at once (checking 100,000 steps first would
            # take most of a second to say the same).
            return self.problem(
                node.position,
                f"{label} holds {len(node.items):,} steps, so the routine has more than "
                f"{MAX_EVENTS:,} timed events when expanded (each step is at least one); "
                f"at most {MAX_EVENTS:,} are allowed",
            )
        problems = self.loader.problems
        steps: list[Step] = []
        invalid = False
        check_step = self.step
        for item in node.items:
            if problems.dropped_errors:
                # Past the cap the output is settled (the first problems, then "more not
                # shown"): checking the other 100,000 steps of a broken file changes nothing.
                # (Past it with warnings only, the file still loads: every step is built.)
                self.failed = True
                return INVALID
            step = check_step(item, scope=scope, depth=depth)
            if step is INVALID:
                invalid = True
            else:
                steps.append(step)
        if invalid:
            return INVALID
        return _StepList(tuple(steps))

    def step(self, node: Node, *, scope: _Scope, depth: int) -> Step | Invalid:
        """Check one step and build it with its kind's builder (:data:`_BUILDERS`)."""
        # The hot path: a 1 MiB file holds about 100,000 steps, each checked here once.
        if node.broken:
            self.failed = True
            return INVALID
        if type(node) is not MapNode:
            return self.problem(
                node.position,
                f"a step must be a mapping with one kind key ({_KINDS_TEXT}); "
                f"found {describe(node)}",
            )
        pairs = node.pairs
        first_key, first_value = pairs[0] if pairs else (None, None)
        if (  # the common case, a step whose first key is its only kind key
            first_key is not None
            and type(first_key.value) is str
            and first_key.value in _KIND_INFO
            and (len(pairs) == 1 or not any(k.value in _KIND_INFO for k, _ in pairs[1:]))
        ):
            kind_key, kind_value, extras = first_key, first_value, _NO_EXTRAS
        else:
            found = self.kind_key(node)
            if found is None:
                return self.kindless_step(node)
            kind_key, kind_value, extras = found
        assert kind_value is not None
        known = _KIND_INFO[str(kind_key.value)]
        level = depth + 1 if known.nests else depth
        if level > MAX_NESTING:
            return self.problem(
                kind_key.position,
                f"{known.context}nested {level} levels deep; repeat, sides and routine steps "
                f"nest at most {MAX_NESTING} levels",
            )
        inner = scope.inside(known.head.name) if known.nests else scope
        head: Value | Invalid
        if known.head_duration is not None and not kind_value.broken:
            head = self.duration(known.head_duration, kind_value, known.head_label)
        else:
            head = self.value(known.head, kind_value, known.context, scope=inner, depth=level)
        if len(pairs) == 1 and not known.required:
            values: _Values | Invalid = _NO_VALUES  # only the kind key: nothing else to check
        else:
            values = self.step_values(node, known, kind_key, extras, scope, inner, level)
        if head is INVALID or values is INVALID:
            return INVALID
        position = Position(node.path, node.line, node.column)
        return known.build(self, _Parts(head, kind_value, values, position, level))

    def kind_key(self, node: MapNode) -> tuple[ScalarNode, Node, list[ScalarNode]] | None:
        """The step's kind key and its value, and any further kind keys (each a problem)."""
        kind_key: ScalarNode | None = None
        kind_value: Node | None = None
        extras: list[ScalarNode] = []
        for key_node, value_node in node.pairs:
            key_value = key_node.value
            if type(key_value) is str and key_value in _KIND_INFO:
                if kind_key is None:
                    kind_key, kind_value = key_node, value_node
                else:
                    extras.append(key_node)
        if kind_key is None or kind_value is None:
            return None
        for extra in extras:
            self.problem(
                extra.position,
                f"a step has exactly one kind key; this one has '{kind_key.value}' "
                f"and '{extra.value}'",
            )
        return kind_key, kind_value, extras

    def step_values(
        self,
        node: MapNode,
        known: _KindInfo,
        kind_key: ScalarNode,
        extras: list[ScalarNode],
        scope: _Scope,
        inner: _Scope,
        level: int,
    ) -> _Values | Invalid:
        """The step's other keys, checked (the kind key's own value is checked apart)."""
        kind_name = known.head.name
        return self.mapping(
            node,
            known.keys,
            known.context,
            known.what,
            scope=scope,
            inner=inner,
            depth=level,
            skip=(kind_name,) if not extras else (kind_name, *(str(k.value) for k in extras)),
            anchor=kind_key,
            by_name=known.by_name,
        )

    def kindless_step(self, node: MapNode) -> Invalid:
        """A step without a kind key: a misspelt kind gets a did-you-mean, else say so."""
        suggested_kind = False
        allowed = list(spec.ALL_STEP_KEYS)
        for key_node, _ in node.pairs:
            if isinstance(key_node.value, str) and key_node.value in allowed:
                continue
            if self.loader.problems.full:
                break  # nothing more is shown: no did-you-means to work out
            close = _close_match(key_node.text, allowed)
            if close:
                suggested_kind = suggested_kind or close in spec.KINDS
                self.unknown_key(key_node, allowed, "", "a step")
        if not node.pairs:
            self.problem(node.position, f"this step is empty; give it a kind key ({_KINDS_TEXT})")
        elif not suggested_kind:
            keys = ", ".join(quoted(key.text) for key, _ in node.pairs[:10])
            self.problem(
                node.position, f"this step has no kind key ({_KINDS_TEXT}); found only {keys}"
            )
        return INVALID

    def include(self, parts: _Parts) -> Include | Invalid:
        ref = _head_text(parts)
        node = parts.head_node
        assert isinstance(node, ScalarNode)
        included = self.loader.include(ref, node, self.path)
        if included is None:
            self.failed = True
            return INVALID
        inner = measure.nesting(included.steps)
        if parts.level + inner > MAX_NESTING:
            return self.problem(
                node.position,
                f"routine step: with the steps of {ref!r} this nests {parts.level + inner} "
                f"levels deep; repeat, sides and routine steps nest at most {MAX_NESTING} levels",
            )
        return Include(
            ref=ref, routine=included, name=parts.name, note=parts.note, position=parts.position
        )


_KINDS_TEXT = "prepare, do, hold, count, breathe, rest, repeat, sides or routine"
_PLACEHOLDER_HINT = (
    "placeholders are {side} and {other_side} (in sides), {round} and {rounds} (in repeat)"
)
_NO_VALUES = _Values({})
_NO_EXTRAS: list[ScalarNode] = []


# ---- one builder per step kind: the kind key's value and the other keys, into the model ----


def _head_text(parts: _Parts) -> str:
    if not isinstance(parts.head, str):
        raise AssertionError(f"a text kind key holds {parts.head!r}")
    return parts.head


def _head_number(parts: _Parts) -> int:
    if not isinstance(parts.head, int) or isinstance(parts.head, float):
        raise AssertionError(f"a numeric kind key holds {parts.head!r}")
    return parts.head


def _timed(parts: _Parts, default: float | None) -> tuple[float, bool]:
    """A prepare or do step's seconds, and whether it waits for Enter."""
    duration = parts.values.data.get("duration", default)
    if duration == spec.READY:
        return READY_FALLBACK_SECONDS, True
    if not isinstance(duration, float):
        raise AssertionError(f"a duration holds {duration!r}")
    return duration, False


def _prepare(_: _RoutineBuilder, parts: _Parts) -> Step:
    seconds, ready = _timed(parts, DEFAULT_PREPARE_SECONDS)
    return Prepare(
        text=_head_text(parts),
        duration=seconds,
        until_ready=ready,
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _do(_: _RoutineBuilder, parts: _Parts) -> Step:
    seconds, ready = _timed(parts, None)
    return Do(
        text=_head_text(parts),
        duration=seconds,
        until_ready=ready,
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _hold(_: _RoutineBuilder, parts: _Parts) -> Step:
    return Hold(
        text=_head_text(parts),
        duration=parts.values.seconds("duration", math.nan),
        countdown=parts.values.number("countdown", DEFAULT_COUNTDOWN),
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _count(_: _RoutineBuilder, parts: _Parts) -> Step:
    return Count(
        count=_head_number(parts),
        every=parts.values.seconds("every", DEFAULT_COUNT_EVERY),
        cue=parts.values.text("cue"),
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _breathe(_: _RoutineBuilder, parts: _Parts) -> Step:
    return Breathe(
        breaths=_head_number(parts),
        inhale=parts.values.seconds("inhale", DEFAULT_INHALE),
        exhale=parts.values.seconds("exhale", DEFAULT_EXHALE),
        cue=parts.values.text("cue"),
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _rest(_: _RoutineBuilder, parts: _Parts) -> Step:
    if not isinstance(parts.head, float):
        raise AssertionError(f"a rest holds {parts.head!r}")
    return Rest(
        duration=parts.head,
        cue=parts.values.text("cue") or DEFAULT_REST_CUE,
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _repeat(_: _RoutineBuilder, parts: _Parts) -> Step:
    between = parts.values.data.get("rest_between")
    return Repeat(
        rounds=_head_number(parts),
        steps=parts.values.steps(),
        rest_between=between if isinstance(between, float) else None,
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


def _sides(_: _RoutineBuilder, parts: _Parts) -> Step:
    if not isinstance(parts.head, _SideList):
        raise AssertionError(f"a sides step holds {parts.head!r}")
    return Sides(
        sides=parts.head.sides,
        steps=parts.values.steps(),
        switch=parts.values.seconds("switch", DEFAULT_SWITCH_SECONDS),
        name=parts.name,
        note=parts.note,
        position=parts.position,
    )


_Build = Callable[[_RoutineBuilder, _Parts], "Step | Invalid"]

# The one dispatch over step kinds: kind key -> the builder of its model class.
_BUILDERS: dict[str, _Build] = {
    "prepare": _prepare,
    "do": _do,
    "hold": _hold,
    "count": _count,
    "breathe": _breathe,
    "rest": _rest,
    "repeat": _repeat,
    "sides": _sides,
    "routine": _RoutineBuilder.include,
}


@dataclass(frozen=True)
class _KindInfo:
    """What checking a step of one kind needs, worked out once rather than once per step."""

    head: spec.Key  # the kind key itself, as a required key
    keys: tuple[spec.Key, ...]  # every other key the step takes
    by_name: dict[str, spec.Key]
    required: tuple[str, ...]  # the names of the required ones
    what: str  # "a hold step", for messages
    context: str  # "hold step: ", the start of its messages
    nests: bool  # counts toward the nesting limit
    head_label: str  # "rest step: 'rest'", how messages name the kind key's value
    head_duration: spec.Duration | None  # the kind key's value type when it is a duration
    build: _Build  # the kind's model class, built from the checked parts


_KIND_INFO = {
    kind.key: _KindInfo(
        head=spec.Key(kind.key, kind.value, kind.description, required=True),
        keys=kind.all_keys(),
        by_name={key.name: key for key in kind.all_keys()},
        required=tuple(key.name for key in kind.all_keys() if key.required),
        what=f"a {kind.key} step",
        context=f"{kind.key} step: ",
        nests=kind.nests,
        head_label=f"{kind.key} step: '{kind.key}'",
        head_duration=kind.value if isinstance(kind.value, spec.Duration) else None,
        build=_BUILDERS[kind.key],
    )
    for kind in spec.STEP_KINDS
}


def _sha256(data: bytes) -> str:
    import hashlib  # here, not at the top: a few milliseconds of start-up for `calfkit list`

    return hashlib.sha256(data).hexdigest()


def _close_match(word: str, allowed: list[str], cutoff: float = _CLOSE_ENOUGH) -> str | None:
    """The allowed key a misspelt one most likely meant, if any is close enough."""
    import difflib  # only needed when there is a mistake

    close = difflib.get_close_matches(word.lower()[:100], allowed, n=1, cutoff=cutoff)
    return close[0] if close else None


def _whole(node: Node) -> int | None:
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


def _shown_text(node: ScalarNode) -> str:
    return quoted(node.text) if isinstance(node.value, str) else describe(node)
