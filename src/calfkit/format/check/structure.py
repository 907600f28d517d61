"""Checking a file's structure: mappings and their keys, lists of steps, each step's one kind
key, and the table that says, per step kind, what its keys are and how it is built.

Unknown keys get a did-you-mean; a missing required key is said once; a step without a kind
key, or with two, is named as such. Each step is built into the model by its kind's builder
(:mod:`calfkit.format.check.build`).
"""

from __future__ import annotations

from dataclasses import dataclass

from calfkit.errors import Position
from calfkit.format import measure, spec
from calfkit.format.check import limits
from calfkit.format.check.build import Build, builder
from calfkit.format.check.report import INVALID, Invalid, close_match
from calfkit.format.check.values import (
    Parts,
    Scope,
    StepList,
    Value,
    ValueChecks,
    Values,
)
from calfkit.format.source import MapNode, Node, ScalarNode, SeqNode, describe, quoted
from calfkit.model import MAX_EVENTS, MAX_NESTING, MAX_TOTAL_SECONDS, Step, unreachable


class StructureChecks(ValueChecks):
    """Checks of mappings and steps, on top of the value checks."""

    # ---- mappings ------------------------------------------------------------------------

    def mapping(
        self,
        node: MapNode,
        keys: tuple[spec.Key, ...],
        context: str,
        what: str,
        *,
        scope: Scope,
        depth: int,
        skip: tuple[str, ...] = (),
        anchor: Node | None = None,
        inner: Scope | None = None,
        by_name: dict[str, spec.Key] | None = None,
    ) -> Values | Invalid:
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
            sided = inner if inner is not None and key.type == _STEPS else scope
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
        return INVALID if invalid else Values(values)

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
        close = close_match(shown, allowed)
        hint = f"did you mean '{close}'?" if close else f"{what} takes: {', '.join(allowed)}"
        self.problem(key_node.position, f"{context}unknown key {quoted(shown)}; {hint}")
        return close

    # ---- values --------------------------------------------------------------------------

    def value(
        self, key: spec.Key, node: Node, context: str, *, scope: Scope, depth: int
    ) -> Value | Invalid:
        if node.broken:
            self.failed = True
            return INVALID
        kind = key.type
        label = f"{context}'{key.name}'"
        if type(kind) is spec.Duration:  # the commonest, first
            return self.duration(kind, node, label)
        match kind:
            case spec.Text():
                return self.text(kind, node, label, scope=scope)
            case spec.Slug():
                return self.slug(kind, node, label)
            case spec.Choice():
                return self.choice(kind, node, label)
            case spec.Language():
                return self.language(kind, node, label)
            case spec.Duration():
                return self.duration(kind, node, label)
            case spec.WholeNumber():
                return self.whole_number(kind, node, label)
            case spec.Version():
                return self.version(kind, node, label)
            case spec.ListOf():
                return self.list_of(kind, node, label, scope=scope)
            case spec.SideList():
                return self.side_list(kind, node, label)
            case spec.Steps():
                return self.steps(node, label, scope=scope, depth=depth)
            case spec.RoutineRef():
                return self.routine_ref(kind, node, label)
            case _:
                unreachable(kind)

    # ---- steps ---------------------------------------------------------------------------

    def steps(self, node: Node, label: str, *, scope: Scope, depth: int) -> StepList | Invalid:
        if not isinstance(node, SeqNode):
            return self.wrong(node, label, "a non-empty list of steps")
        if not node.items:
            return self.problem(
                node.position, f"{label} is an empty list; a list of steps needs at least one step"
            )
        too_many = limits.too_many_steps(label, len(node.items))
        if too_many is not None:
            return self.problem(node.position, too_many)
        problems = self.loader.problems
        steps: list[Step] = []
        invalid = False
        check_step = self.step
        # Events and seconds are added up as the steps are built, multiplied out by arithmetic
        # (each included routine measured once: the loader keeps its figures), so steps past
        # a limit are refused at the step that takes them past it, once, however they
        # multiply (repeat, sides, includes that fan out, any mix): nothing waits for the
        # whole to be built.
        loader = self.loader
        events = 0
        length = 0.0
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
                continue
            steps.append(step)
            if events <= MAX_EVENTS and length <= MAX_TOTAL_SECONDS:
                count = measure.step_events(step, loader.events)
                seconds = measure.step_seconds(step, loader.seconds)
                events += count
                length += seconds
                if events > MAX_EVENTS:
                    invalid = True
                    self.problem(item.position, limits.too_many_events(step, count, events))
                elif length > MAX_TOTAL_SECONDS:
                    invalid = True
                    self.problem(item.position, limits.too_long(step, seconds, length))
        if invalid:
            return INVALID
        return StepList(tuple(steps))

    def step(self, node: Node, *, scope: Scope, depth: int) -> Step | Invalid:
        """Check one step and build it with its kind's builder (:class:`KindInfo`)."""
        # The hot path: a file at the size limit holds about 26,000 steps, each checked here once.
        if node.broken:
            self.failed = True
            return INVALID
        if type(node) is not MapNode:
            return self.problem(
                node.position,
                f"a step must be a mapping with one kind key ({KINDS_TEXT}); "
                f"found {describe(node)}",
            )
        pairs = node.pairs
        first_key, first_value = pairs[0] if pairs else (None, None)
        if (  # the common case, a step whose first key is its only kind key
            first_key is not None
            and type(first_key.value) is str
            and first_key.value in KIND_INFO
            and (len(pairs) == 1 or not any(k.value in KIND_INFO for k, _ in pairs[1:]))
        ):
            kind_key, kind_value, extras = first_key, first_value, _NO_EXTRAS
        else:
            found = self.kind_key(node)
            if found is None:
                return self.kindless_step(node)
            kind_key, kind_value, extras = found
        assert kind_value is not None
        known = KIND_INFO[str(kind_key.value)]
        level = depth + 1 if known.nests else depth
        if level > MAX_NESTING:
            return self.problem(kind_key.position, limits.too_deep(known.context, level) or "")
        inner = scope.inside(known.head.name) if known.nests else scope
        head: Value | Invalid
        if known.head_duration is not None and not kind_value.broken:
            head = self.duration(known.head_duration, kind_value, known.head_label)
        else:
            head = self.value(known.head, kind_value, known.context, scope=inner, depth=level)
        if len(pairs) == 1 and not known.required:
            values: Values | Invalid = _NO_VALUES  # only the kind key: nothing else to check
        else:
            values = self.step_values(node, known, kind_key, extras, scope, inner, level)
        if head is INVALID or values is INVALID:
            return INVALID
        position = Position(node.path, node.line, node.column)
        return known.build(self, Parts(head, kind_value, values, position, level))

    def kind_key(self, node: MapNode) -> tuple[ScalarNode, Node, list[ScalarNode]] | None:
        """The step's kind key and its value, and any further kind keys (each a problem)."""
        kind_key: ScalarNode | None = None
        kind_value: Node | None = None
        extras: list[ScalarNode] = []
        for key_node, value_node in node.pairs:
            key_value = key_node.value
            if type(key_value) is str and key_value in KIND_INFO:
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
        known: KindInfo,
        kind_key: ScalarNode,
        extras: list[ScalarNode],
        scope: Scope,
        inner: Scope,
        level: int,
    ) -> Values | Invalid:
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
            close = close_match(key_node.text, allowed)
            if close:
                suggested_kind = suggested_kind or close in spec.KINDS
                self.unknown_key(key_node, allowed, "", "a step")
        if not node.pairs:
            self.problem(node.position, f"this step is empty; give it a kind key ({KINDS_TEXT})")
        elif not suggested_kind:
            keys = ", ".join(quoted(key.text) for key, _ in node.pairs[:10])
            self.problem(
                node.position, f"this step has no kind key ({KINDS_TEXT}); found only {keys}"
            )
        return INVALID


KINDS_TEXT = spec.KINDS_TEXT
_STEPS = spec.Steps()
_NO_VALUES = Values({})
_NO_EXTRAS: list[ScalarNode] = []


@dataclass(frozen=True)
class KindInfo:
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
    build: Build  # the kind's model class, built from the checked parts


KIND_INFO = {
    kind.key: KindInfo(
        head=spec.Key(kind.key, kind.value, kind.description, required=True),
        keys=kind.all_keys(),
        by_name={key.name: key for key in kind.all_keys()},
        required=tuple(key.name for key in kind.all_keys() if key.required),
        what=f"a {kind.key} step",
        context=f"{kind.key} step: ",
        nests=kind.nests,
        head_label=f"{kind.key} step: '{kind.key}'",
        head_duration=kind.value if isinstance(kind.value, spec.Duration) else None,
        build=builder(kind.kind),
    )
    for kind in spec.STEP_KINDS
}
