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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calfkit import words
from calfkit.errors import CalfkitError, Position, Problem, ProblemList, RoutineError
from calfkit.format import measure, spec
from calfkit.format.source import (
    MapNode,
    Node,
    ScalarNode,
    SeqNode,
    describe,
    no_gc,
    quoted,
    read_source,
    resolve_plain,
)
from calfkit.model import (
    DEFAULT_PREPARE_SECONDS,
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
)

FindByName = Callable[[str, Path], Path]
"""Turns the name in ``routine: NAME`` into a file, given the folder of the file that includes
it; raises :class:`~calfkit.errors.CalfkitError` (saying why) when nothing has that name."""


def load(path: str | os.PathLike[str], *, find: FindByName | None = None) -> Routine:
    """Read, check and build a routine and its includes; raise RoutineError with every problem.

    ``find`` looks up includes by name; without it, an include by name is a problem.
    """
    loader = _Loader(find)
    with no_gc():
        routine = loader.load_file(str(path))
    if routine is None or loader.problems:
        raise RoutineError(loader.problems.final())
    return routine


def check(path: str | os.PathLike[str], *, find: FindByName | None = None) -> list[Problem]:
    """Every problem in a routine file and the files it includes, in file order; [] when valid."""
    loader = _Loader(find)
    with no_gc():
        loader.load_file(str(path))
    return loader.problems.final()


def check_safely(path: str | os.PathLike[str], *, find: FindByName | None = None) -> list[Problem]:
    """Like :func:`check`, but a bug in calfkit also comes back as a problem, not a traceback."""
    try:
        return check(path, find=find)
    except Exception as error:  # the command line must never show a traceback
        message = f"calfkit could not check this file ({type(error).__name__}: {error})"
        return [Problem(Position(str(path), 1, 1), message)]


# How alike a misspelt key must be to a real one for a did-you-mean ('hodl' -> 'hold' is 0.75;
# 'author' -> 'caution', 0.62, is not a helpful guess).
_CLOSE_ENOUGH = 0.7


class _Invalid:
    """Marks a value that could not be read; its problem is already recorded."""


INVALID: Any = _Invalid()


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
        try:
            resolved = Path(shown).resolve()
        except (OSError, RuntimeError):
            resolved = Path(os.path.abspath(shown))
        self.loading.append((resolved, shown))
        try:
            builder = _RoutineBuilder(self, shown)
            routine = builder.routine(source.root, source.data)
        finally:
            self.loading.pop()
        failed = bool(source.problems) or builder.failed
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
            target = Path(including).parent / ref
            shown = os.path.normpath(str(target))
            if not target.is_file():
                what = "is not a file" if target.exists() else "does not exist"
                self.problems.append(
                    Problem(node.position, f"included routine {ref!r} not found: {shown} {what}")
                )
                return None
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):
            resolved = Path(os.path.abspath(target))
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
            return self.find(name, Path(including).parent)
        except CalfkitError as error:
            detail = f": {error}" if str(error) else ""
            self.problems.append(
                Problem(node.position, f"included routine {name!r} not found{detail}")
            )
            return None


class _RoutineBuilder:
    """Checks one file's node tree against the spec and builds its Routine."""

    def __init__(self, loader: _Loader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.failed = False

    def problem(self, position: Position, message: str) -> Any:
        self.failed = True
        self.loader.problems.append(Problem(position, message))
        return INVALID

    def problem_at(self, node: Node, message: str) -> Any:
        """Like problem(), at a node; past the cap the Position is never even built."""
        self.failed = True
        if self.loader.problems.full:
            self.loader.problems.dropped += 1
        else:
            self.loader.problems.append(Problem(node.position, message))
        return INVALID

    # ---- the routine ---------------------------------------------------------------------

    def routine(self, root: MapNode, data: bytes) -> Routine | None:
        values = self.mapping(root, spec.TOP_KEYS, "", "the top level", in_sides=False, depth=0)
        if self.failed:
            return None
        name = values.get("name") or Path(self.path).stem
        routine = Routine(
            name=name,
            title=values["title"],
            steps=values["steps"],
            description=values.get("description"),
            tags=tuple(values.get("tags", ())),
            equipment=tuple(values.get("equipment", ())),
            caution=values.get("caution"),
            path=self.path,
            content_hash=_sha256(data),
        )
        steps_pair = root.get("steps")
        assert steps_pair is not None
        self.check_limits(routine, steps_pair[0].position)
        return None if self.failed else routine

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
        in_sides: bool,
        depth: int,
        skip: tuple[str, ...] = (),
        anchor: Node | None = None,
        steps_in_sides: bool | None = None,
        by_name: dict[str, spec.Key] | None = None,
    ) -> dict[str, Any]:
        """Check a mapping's keys and convert its values; missing optional keys are absent.

        ``anchor`` is where a missing key is reported (the node itself if not given);
        ``by_name`` is ``keys`` by name, when the caller has it already.
        """
        if by_name is None:
            by_name = {key.name: key for key in keys}
        values: dict[str, Any] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.pairs:
            key_name = key_node.value if isinstance(key_node.value, str) else None
            if key_name in skip:
                continue
            key = by_name.get(key_name) if key_name is not None else None
            if key is None:
                close = self.unknown_key(key_node, list(by_name), context, what)
                if close is not None:
                    suggested.add(close)
                continue
            sided = in_sides
            if isinstance(key.type, spec.Steps) and steps_in_sides is not None:
                sided = steps_in_sides
            values[key.name] = self.value(key, value_node, context, in_sides=sided, depth=depth)
        for key in keys:
            if key.name in suggested:
                continue  # "did you mean 'title'?" already says it; "missing 'title'" is noise
            if key.required and key.name not in values and node.get(key.name) is None:
                self.problem(
                    (anchor or node).position,
                    f"{context}missing '{key.name}' ({key.type.expected})",
                )
        return values

    def unknown_key(
        self, key_node: ScalarNode, allowed: list[str], context: str, what: str
    ) -> str | None:
        """Report a key that is not allowed here; return the allowed key it most likely meant."""
        shown = key_node.text
        close = _close_match(shown, allowed)
        hint = f"did you mean '{close}'?" if close else f"{what} takes: {', '.join(allowed)}"
        self.problem(key_node.position, f"{context}unknown key {quoted(shown)}; {hint}")
        return close

    # ---- values --------------------------------------------------------------------------

    def value(self, key: spec.Key, node: Node, context: str, *, in_sides: bool, depth: int) -> Any:
        if node.broken:
            self.failed = True
            return INVALID
        kind = key.type
        label = f"{context}'{key.name}'"
        if type(kind) is spec.Duration:
            return self.duration(kind, node, label)
        if isinstance(kind, spec.Text):
            return self.text(kind, node, label, in_sides=in_sides)
        if isinstance(kind, spec.Slug):
            return self.slug(kind, node, label)
        if isinstance(kind, spec.Duration):
            return self.duration(kind, node, label)
        if isinstance(kind, spec.WholeNumber):
            return self.whole_number(kind, node, label)
        if isinstance(kind, spec.Version):
            return self.version(kind, node, label)
        if isinstance(kind, spec.ListOf):
            return self.list_of(kind, node, label, in_sides=in_sides)
        if isinstance(kind, spec.SideList):
            return self.side_list(kind, node, label)
        if isinstance(kind, spec.Steps):
            return self.steps(node, label, in_sides=in_sides, depth=depth)
        if isinstance(kind, spec.RoutineRef):
            return self.routine_ref(kind, node, label)
        raise AssertionError(f"unhandled value type {kind!r}")

    def wrong(self, node: Node, label: str, expected: str) -> Any:
        found = describe(node)
        quotable = (
            isinstance(node, ScalarNode)
            and node.plain
            and isinstance(node.value, (bool, int, float))
        )
        if quotable and expected.startswith(("text", "a slug")):
            found += " (put it in quotes to use it as text)"
        return self.problem_at(node, f"{label} must be {expected}; found {found}")

    def text(self, kind: spec.Text, node: Node, label: str, *, in_sides: bool) -> Any:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        value = node.value
        if not value.strip():
            return self.problem(node.position, f"{label} must be {kind.expected}; found empty text")
        if kind.max_length is not None and len(value) > kind.max_length:
            return self.problem(
                node.position,
                f"{label} must be {kind.expected}; found {len(value)} characters",
            )
        if not in_sides:
            for variable in spec.SIDE_VARIABLES:
                if variable in value:
                    return self.problem(
                        node.position,
                        f"{label} uses {variable}, which only works inside a sides step",
                    )
        return value

    def slug(self, kind: spec.Slug, node: Node, label: str) -> Any:
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

    def duration(self, kind: spec.Duration, node: Node, label: str) -> Any:
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
                    return self.problem(
                        node.position,
                        f"{label} must be {kind.expected}; found {value!r}, a number in quotes "
                        f"(write {value} or {value}s)",
                    )
                return self.wrong(node, label, kind.expected)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isnan(value):
                return self.wrong(node, label, kind.expected)
            seconds = float(value)
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

    def whole_number(self, kind: spec.WholeNumber, node: Node, label: str) -> Any:
        number = _whole(node)
        if number is None:
            return self.wrong(node, label, kind.expected)
        too_big = kind.maximum is not None and number > kind.maximum
        if number < kind.minimum or too_big:
            return self.wrong(node, label, kind.expected)
        return number

    def version(self, kind: spec.Version, node: Node, label: str) -> Any:
        if _whole(node) != kind.value:
            return self.problem(
                node.position,
                f"{label} is the format version and must be {kind.value}; found {describe(node)}",
            )
        return kind.value

    def list_of(self, kind: spec.ListOf, node: Node, label: str, *, in_sides: bool) -> Any:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, kind.expected)
        items = []
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
                self.loader.problems.dropped += 1
                return INVALID
            if item.broken:
                self.failed = True
                continue
            item_label = f"{label} item {index}"
            if isinstance(kind.item, spec.Slug):
                items.append(self.slug(kind.item, item, item_label))
            else:
                items.append(self.text(kind.item, item, item_label, in_sides=in_sides))
        return tuple(items)

    def side_list(self, kind: spec.SideList, node: Node, label: str) -> Any:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, kind.expected)
        if not node.items:
            return self.problem(
                node.position, f"{label} is an empty list; list right, left or both"
            )
        sides: list[Side] = []
        failed = False
        for item in node.items:
            if item.broken:
                failed = True
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
        return INVALID if failed else tuple(sides)

    def routine_ref(self, kind: spec.RoutineRef, node: Node, label: str) -> Any:
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.wrong(node, label, kind.expected)
        ref = node.value
        if not (spec.SLUG_RE.match(ref) or ref.endswith((".yaml", ".yml"))):
            return self.wrong(node, label, kind.expected)
        return ref

    # ---- steps ---------------------------------------------------------------------------

    def steps(self, node: Node, label: str, *, in_sides: bool, depth: int) -> Any:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, "a non-empty list of steps")
        if not node.items:
            return self.problem(
                node.position, f"{label} is an empty list; a list of steps needs at least one step"
            )
        problems = self.loader.problems
        steps = []
        invalid = False
        check_step = self.step
        for item in node.items:
            if problems.dropped:
                # Past the cap the output is settled (the first problems, then "more not
                # shown"): checking the other 100,000 steps of a broken file changes nothing.
                self.failed = True
                return INVALID
            step = check_step(item, in_sides=in_sides, depth=depth)
            if step is INVALID:
                invalid = True
            steps.append(step)
        if invalid:
            return INVALID
        return tuple(steps)

    def step(self, node: Node, *, in_sides: bool, depth: int) -> Any:
        # The hot path: a 1 MiB file holds about 100,000 steps, each checked here once.
        if node.broken:
            self.failed = True
            return INVALID
        if type(node) is not MapNode:
            return self.problem(
                node.position,
                "a step must be a mapping with one kind key (prepare, do, hold, count, breathe, "
                f"rest, repeat, sides or routine); found {describe(node)}",
            )
        pairs = node.pairs
        kind_key: ScalarNode | None = None
        kind_value: Node | None = None
        extras: list[ScalarNode] = []
        for key_node, value_node in pairs:
            key_value = key_node.value
            if type(key_value) is str and key_value in _KIND_INFO:
                if kind_key is None:
                    kind_key, kind_value = key_node, value_node
                else:
                    extras.append(key_node)
        if kind_key is None or kind_value is None:
            return self.kindless_step(node)
        kind_name = kind_key.value
        assert isinstance(kind_name, str)
        known = _KIND_INFO[kind_name]
        for extra in extras:
            self.problem(
                extra.position,
                f"a step has exactly one kind key; this one has '{kind_name}' and '{extra.value}'",
            )
        context = known.context
        level = depth + 1 if known.nests else depth
        if level > MAX_NESTING:
            return self.problem(
                kind_key.position,
                f"{context}nested {level} levels deep; repeat, sides and routine steps "
                f"nest at most {MAX_NESTING} levels",
            )
        if known.head_duration is not None and not kind_value.broken:
            first = self.duration(known.head_duration, kind_value, known.head_label)
        else:
            first = self.value(known.head, kind_value, context, in_sides=in_sides, depth=level)
        if len(pairs) == 1 and not known.required:
            values: dict[str, Any] = {}  # only the kind key: nothing else to check
        else:
            values = self.mapping(
                node,
                known.keys,
                context,
                known.what,
                in_sides=in_sides,
                steps_in_sides=in_sides or kind_name == "sides",
                depth=level,
                skip=(kind_name,) if not extras else (kind_name, *(str(k.value) for k in extras)),
                anchor=kind_key,
                by_name=known.by_name,
            )
            if INVALID in values.values():
                return INVALID
            for required in known.required:
                if required not in values:
                    return INVALID
        if first is INVALID:
            return INVALID
        # ``values`` holds only keys the file set, each named as its model field, so the
        # model's own defaults apply to the rest.
        position = Position(node.path, node.line, node.column)
        if kind_name == "rest":
            return Rest(duration=first, position=position, **values)
        if kind_name == "hold":
            return Hold(text=first, position=position, **values)
        if kind_name in ("prepare", "do"):
            duration = values.pop("duration", DEFAULT_PREPARE_SECONDS)
            ready = duration == spec.READY
            seconds = READY_FALLBACK_SECONDS if ready else float(duration)
            model = Prepare if kind_name == "prepare" else Do
            return model(
                text=first, duration=seconds, until_ready=ready, position=position, **values
            )
        if kind_name == "count":
            return Count(count=first, position=position, **values)
        if kind_name == "breathe":
            return Breathe(breaths=first, position=position, **values)
        if kind_name == "repeat":
            return Repeat(rounds=first, position=position, **values)
        if kind_name == "sides":
            return Sides(sides=first, position=position, **values)
        common = {"name": values.get("name"), "note": values.get("note"), "position": position}
        return self.include_step(first, kind_value, level, common)

    def kindless_step(self, node: MapNode) -> Any:
        """A step without a kind key: a misspelt kind gets a did-you-mean, else say so."""
        suggested_kind = False
        allowed = list(spec.ALL_STEP_KEYS)
        for key_node, _ in node.pairs:
            if isinstance(key_node.value, str) and key_node.value in allowed:
                continue
            close = _close_match(key_node.text, allowed)
            if close:
                suggested_kind = suggested_kind or close in spec.KINDS
                self.unknown_key(key_node, allowed, "", "a step")
        kinds = "prepare, do, hold, count, breathe, rest, repeat, sides or routine"
        if not node.pairs:
            self.problem(node.position, f"this step is empty; give it a kind key ({kinds})")
        elif not suggested_kind:
            keys = ", ".join(quoted(key.text) for key, _ in node.pairs)
            self.problem(node.position, f"this step has no kind key ({kinds}); found only {keys}")
        return INVALID

    def include_step(self, ref: str, node: Node, level: int, common: dict[str, Any]) -> Any:
        assert isinstance(node, ScalarNode)
        included = self.loader.include(ref, node, self.path)
        if included is None:
            self.failed = True
            return INVALID
        inner = measure.nesting(included.steps)
        if level + inner > MAX_NESTING:
            return self.problem(
                node.position,
                f"routine step: with the steps of {ref!r} this nests {level + inner} levels deep; "
                f"repeat, sides and routine steps nest at most {MAX_NESTING} levels",
            )
        return Include(ref=ref, routine=included, **common)


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
    )
    for kind in spec.STEP_KINDS
}


def _sha256(data: bytes) -> str:
    import hashlib  # here, not at the top: a few milliseconds of start-up for `calfkit list`

    return hashlib.sha256(data).hexdigest()


def _close_match(word: str, allowed: list[str]) -> str | None:
    """The allowed key a misspelt one most likely meant, if any is close enough."""
    import difflib  # only needed when there is a mistake

    close = difflib.get_close_matches(word.lower(), allowed, n=1, cutoff=_CLOSE_ENOUGH)
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
    return repr(node.text) if isinstance(node.value, str) else node.text
