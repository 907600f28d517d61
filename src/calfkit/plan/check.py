"""Reading a plan file: the project's positioned YAML reader, then every key checked against
:mod:`calfkit.plan.spec`, each problem at the key or value it is about (``file:line:col``).

:func:`load` raises every problem at once as a :class:`~calfkit.errors.RoutineError` (the
error type the command line already reports as positioned lines); :func:`check` returns them.
Routines are looked up through the ``find`` passed in (the library's lookup), so a plan naming
a routine that is not there is an error at that name.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from datetime import time
from pathlib import Path

from calfkit.errors import CalfkitError, Position, Problem, RoutineError, Severity
from calfkit.format import spec as routine_spec
from calfkit.format.source import MapNode, Node, ScalarNode, SeqNode, describe, quoted, read_source
from calfkit.model import MAX_EVENTS, MAX_STEP_SECONDS, MAX_TOTAL_SECONDS, Routine
from calfkit.plan import spec
from calfkit.plan.model import (
    DEFAULT_FROM_WEEK,
    DEFAULT_START,
    MAX_ROUNDS,
    MAX_WEEKS,
    PLAN_FORMAT_VERSION,
    WEEKDAY_NAMES,
    WEEKDAYS,
    HoldRule,
    Plan,
    RoundsRule,
    Session,
    spread,
)
from calfkit.text import SLUG_RE

FindRoutine = Callable[[str, Path], Routine]
"""The routine ``routine: REF`` names (given the plan file), loaded; raises
:class:`~calfkit.errors.CalfkitError` saying why it cannot be."""

_Value = object
_TIME_RE = re.compile(spec.TIME_PATTERN[1:-1] + r"\Z")


class _Bad(Exception):
    """A value was wrong (already reported)."""


class _Checker:
    def __init__(self, path: str, find: FindRoutine | None) -> None:
        self.path = path
        self.find = find
        self.problems: list[Problem] = []

    def problem(self, node: Node, message: str) -> _Bad:
        self.problems.append(Problem(node.position, message))
        return _Bad()

    def mapping(
        self, node: Node, keys: tuple[spec.Key, ...], label: str
    ) -> dict[str, tuple[ScalarNode, Node]]:
        """The keys of a mapping, checked for unknown and missing ones."""
        if not isinstance(node, MapNode):
            what = label.rstrip(": ") or "the plan"
            raise self.problem(node, f"{what} must be a mapping; found {describe(node)}")
        allowed = [key.name for key in keys]
        found: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value in node.pairs:
            name = key_node.value if isinstance(key_node.value, str) else None
            if name is None or name not in allowed:
                import difflib

                close = difflib.get_close_matches(str(key_node.text)[:100], allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"it takes: {', '.join(allowed)}"
                self.problem(key_node, f"{label}unknown key {quoted(key_node.text)}; {hint}")
                continue
            found[name] = (key_node, value)
        for key in keys:
            if key.required and key.name not in found:
                self.problem(node, f"{label}missing '{key.name}' ({key.kind.value})")
        return found

    def value(self, kind: spec.Kind, node: Node, label: str) -> _Value:
        wrong = f"{label} must be {kind.value}; found {describe(node)}"
        scalar = node.value if isinstance(node, ScalarNode) else None
        if kind in (spec.Kind.TITLE, spec.Kind.TEXT, spec.Kind.SLUG, spec.Kind.ROUTINE):
            if not isinstance(scalar, str) or not scalar.strip():
                raise self.problem(node, wrong)
            if kind is spec.Kind.TITLE and len(scalar) > spec.MAX_TITLE:
                raise self.problem(node, f"{label} must be {kind.value}; found {len(scalar)}")
            if kind is spec.Kind.SLUG and (not SLUG_RE.match(scalar) or len(scalar) > 64):
                raise self.problem(node, wrong)
            if kind is spec.Kind.ROUTINE and not re.match(routine_spec.INCLUDE_PATTERN, scalar):
                raise self.problem(node, wrong)
            return scalar
        if kind is spec.Kind.YES_NO:
            if not isinstance(scalar, bool):
                raise self.problem(node, wrong)
            return scalar
        if kind is spec.Kind.DURATION:
            return self.duration(node, wrong)
        if kind is spec.Kind.TIME:
            if not isinstance(scalar, str) or not _TIME_RE.match(scalar):
                raise self.problem(node, wrong)
            return time(int(scalar[:2]), int(scalar[3:]))
        if kind is spec.Kind.WEEKDAYS:
            return self.weekdays(node, label, wrong)
        limits = {
            spec.Kind.VERSION: (PLAN_FORMAT_VERSION, PLAN_FORMAT_VERSION),
            spec.Kind.WEEKS: (1, MAX_WEEKS),
            spec.Kind.WEEK: (1, MAX_WEEKS),
            spec.Kind.TIMES: (1, 7),
            spec.Kind.ROUNDS: (1, MAX_ROUNDS),
        }
        low, high = limits[kind]
        if isinstance(scalar, bool) or not isinstance(scalar, int) or not low <= scalar <= high:
            raise self.problem(node, wrong)
        return scalar

    def duration(self, node: Node, wrong: str) -> float:
        scalar = node.value if isinstance(node, ScalarNode) else None
        seconds: float | None = None
        if isinstance(scalar, str):
            seconds = routine_spec.parse_duration_text(scalar)
        elif isinstance(scalar, (int, float)) and not isinstance(scalar, bool):
            seconds = float(scalar)
        if seconds is None or not math.isfinite(seconds) or not 0 < seconds <= MAX_STEP_SECONDS:
            raise self.problem(node, wrong)
        return seconds

    def weekdays(self, node: Node, label: str, wrong: str) -> tuple[int, ...]:
        if not isinstance(node, SeqNode):
            raise self.problem(node, wrong)
        days: list[int] = []
        bad = False
        for item in node.items:
            text = item.value if isinstance(item, ScalarNode) else None
            day = str(text).lower()[:3] if isinstance(text, str) else ""
            if day not in WEEKDAYS or len(str(text)) not in (3, len(_FULL[day])):
                self.problem(item, f"{label}: {describe(item)} is not a weekday ({_NAMES})")
                bad = True
            elif WEEKDAYS.index(day) in days:
                self.problem(item, f"{label}: {describe(item)} is named twice")
                bad = True
            else:
                days.append(WEEKDAYS.index(day))
        if bad:
            raise _Bad()
        return tuple(sorted(days))


_FULL = {day: name for day, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)}
_NAMES = ", ".join(WEEKDAYS)


def _values(
    checker: _Checker, node: Node, keys: tuple[spec.Key, ...], label: str
) -> tuple[dict[str, _Value], dict[str, tuple[ScalarNode, Node]], bool]:
    """Each key's value, the nodes, and whether all were good."""
    found = checker.mapping(node, keys, label)
    kinds = {key.name: key.kind for key in keys}
    values: dict[str, _Value] = {}
    good = all(key.name in found for key in keys if key.required)
    for name, (_, value_node) in found.items():
        if kinds[name] in (spec.Kind.SESSIONS, spec.Kind.HOLD_RULE, spec.Kind.ROUNDS_RULE):
            continue  # checked by their own functions
        try:
            values[name] = checker.value(kinds[name], value_node, f"{label}'{name}'")
        except _Bad:
            good = False
    return values, found, good


def _rule(checker: _Checker, node: Node, label: str, hold: bool) -> HoldRule | RoundsRule:
    keys = spec.HOLD_KEYS if hold else spec.ROUNDS_KEYS
    values, _, good = _values(checker, node, keys, f"{label}: ")
    if not good:
        raise _Bad()
    from_week = int(str(values.get("from_week", DEFAULT_FROM_WEEK)))
    if hold:
        return HoldRule(
            add=float(str(values["add"])),
            up_to=float(str(values["up_to"])),
            from_week=from_week,
            each_week=bool(values.get("each_week", True)),
        )
    return RoundsRule(
        add=int(str(values["add"])),
        up_to=int(str(values.get("up_to", MAX_ROUNDS))),
        from_week=from_week,
        each_week=bool(values.get("each_week", False)),
    )


def _session(
    checker: _Checker, node: Node, number: int, rest: tuple[int, ...], weeks: int | None
) -> Session:
    label = f"session {number}: "
    values, found, good = _values(checker, node, spec.SESSION_KEYS, label)
    days: tuple[int, ...] = ()
    if "days" in found and "times_a_week" in found:
        checker.problem(found["times_a_week"][0], f"{label}give 'days' or 'times_a_week', not both")
        good = False
    elif "days" not in found and "times_a_week" not in found and isinstance(node, MapNode):
        checker.problem(node, f"{label}missing 'days' or 'times_a_week' (which days to play it)")
        good = False
    elif "days" in values:
        days = _days(values.get("days"))
        for item in _items(found["days"][1]):
            day = _weekday(item)
            if day is not None and day in rest:
                checker.problem(item, f"{label}{WEEKDAYS[day]} is one of the plan's rest days")
                good = False
        if not days:
            checker.problem(found["days"][1], f"{label}'days' names no day")
            good = False
    elif "times_a_week" in values:
        free = tuple(day for day in range(7) if day not in rest)
        times = int(str(values["times_a_week"]))
        if times > len(free):
            checker.problem(
                found["times_a_week"][1],
                f"{label}'times_a_week' is {times}, but only {len(free)} days of the week "
                "are not rest days",
            )
            good = False
        else:
            days = spread(times, free)
    rules: dict[str, HoldRule | RoundsRule] = {}
    for name in ("hold", "rounds"):
        if name in found:
            try:
                rules[name] = _rule(checker, found[name][1], f"{label}'{name}'", name == "hold")
            except _Bad:
                good = False
    routine: Routine | None = None
    if "routine" in values and checker.find is not None:
        ref = str(values["routine"])
        try:
            routine = checker.find(ref, Path(checker.path))
        except CalfkitError as error:
            checker.problem(found["routine"][1], f"{label}routine {ref!r}: {error}")
            good = False
    if not good:
        raise _Bad()
    hold = rules.get("hold")
    rounds = rules.get("rounds")
    session = Session(
        routine=str(values["routine"]),
        days=days,
        hold=hold if isinstance(hold, HoldRule) else None,
        rounds=rounds if isinstance(rounds, RoundsRule) else None,
        position=node.position,
    )
    if routine is not None and weeks is not None and session.progresses:
        _check_grown(checker, found, label, session, routine, weeks)
    return session


def _check_grown(
    checker: _Checker,
    found: dict[str, tuple[ScalarNode, Node]],
    label: str,
    session: Session,
    routine: Routine,
    weeks: int,
) -> None:
    """Refuse a progression that grows the routine past a routine's limits by the plan's last
    week (a rule only ever adds, so the last week is the longest)."""
    from calfkit import words
    from calfkit.format import measure
    from calfkit.plan.progress import progressed

    steps = progressed(routine, session, weeks).steps
    where = found["rounds" if session.rounds is not None else "hold"][0]
    total = measure.seconds(steps)
    events = measure.event_count(steps)
    if total > MAX_TOTAL_SECONDS:
        why = f"lasts {words.exact_length(total)}; a routine may last at most 24 hours"
    elif events > MAX_EVENTS:
        why = f"has {events:,} timed events; at most {MAX_EVENTS:,} are allowed"
    else:
        return
    checker.problem(
        where,
        f"{label}by week {weeks} this progression grows {session.routine!r} "
        f"past a routine's limits: it {why}",
    )
    raise _Bad()


def _days(value: _Value) -> tuple[int, ...]:
    """Weekday numbers as :meth:`_Checker.weekdays` returned them (none if absent)."""
    return tuple(day for day in value if isinstance(day, int)) if isinstance(value, tuple) else ()


def _time(value: _Value) -> time:
    return value if isinstance(value, time) else DEFAULT_START


def _found(node: Node) -> str:
    if isinstance(node, SeqNode):
        return "an empty list" if not node.items else f"a list of {len(node.items)}"
    return describe(node)


def _weekday(node: Node) -> int | None:
    text = node.value if isinstance(node, ScalarNode) else None
    short = text.lower()[:3] if isinstance(text, str) else ""
    return WEEKDAYS.index(short) if short in WEEKDAYS else None


def _items(node: Node) -> list[Node]:
    return node.items if isinstance(node, SeqNode) else []


def _plan(checker: _Checker, root: MapNode, data: bytes) -> Plan | None:
    values, found, good = _values(checker, root, spec.TOP_KEYS, "")
    rest = _days(values.get("rest_days"))
    sessions: list[Session] = []
    if "sessions" in found:
        node = found["sessions"][1]
        if not isinstance(node, SeqNode) or not 1 <= len(node.items) <= spec.MAX_SESSIONS:
            checker.problem(
                node,
                f"'sessions' must be {spec.Kind.SESSIONS.value}; found {_found(node)}",
            )
            good = False
        else:
            weeks = values.get("weeks")
            weeks = int(weeks) if isinstance(weeks, int) and not isinstance(weeks, bool) else None
            for number, item in enumerate(node.items, start=1):
                try:
                    sessions.append(_session(checker, item, number, rest, weeks))
                except _Bad:
                    good = False
    if len(rest) == 7:
        checker.problem(found["rest_days"][1], "'rest_days' leaves no day to practise")
        good = False
    if not good:
        return None
    import hashlib

    stem = Path(checker.path).name.rsplit(".", 1)[0]
    return Plan(
        name=str(values.get("name", stem)),
        title=str(values["title"]),
        description=str(values["description"]) if "description" in values else None,
        weeks=int(str(values["weeks"])),
        rest_days=rest,
        start_time=_time(values.get("start_time")),
        sessions=tuple(sessions),
        path=checker.path,
        content_hash=hashlib.sha256(data).hexdigest(),
    )


_ROUTINE_KEYS = ("a routine needs at least 'title' and 'steps'", "keys like 'title' and 'steps'")


def _for_plans(message: str) -> str:
    if message == "the file is empty":
        return "the file is empty; a plan needs at least 'title', 'weeks' and 'sessions'"
    needs, like = _ROUTINE_KEYS
    message = message.replace(needs, "a plan needs at least 'title', 'weeks' and 'sessions'")
    return message.replace(like, "keys like 'title', 'weeks' and 'sessions'")


def examine(
    path: str | os.PathLike[str], *, find: FindRoutine | None = None
) -> tuple[Plan | None, list[Problem]]:
    """The plan (None when it has errors) and every problem in it, in file order."""
    shown = str(path)
    source = read_source(shown)
    checker = _Checker(shown, find)
    # The reader words a few messages for routines; a plan needs other keys.
    checker.problems.extend(
        Problem(problem.position, _for_plans(problem.message), problem.severity)
        for problem in source.problems
    )
    plan = None
    if source.root is not None and not source.failed:
        plan = _plan(checker, source.root, source.data)
    elif source.root is None and not source.problems:
        checker.problems.append(Problem(Position(shown, 1, 1), _for_plans("the file is empty")))
    problems = sorted(checker.problems, key=lambda problem: problem.position)
    if any(problem.severity is Severity.ERROR for problem in problems):
        plan = None
    return plan, problems


def check(path: str | os.PathLike[str], *, find: FindRoutine | None = None) -> list[Problem]:
    """Every problem in a plan file; [] when it is valid."""
    return examine(path, find=find)[1]


def load(path: str | os.PathLike[str], *, find: FindRoutine | None = None) -> Plan:
    """The plan in a file; raises RoutineError with every problem."""
    plan, problems = examine(path, find=find)
    if plan is None:
        raise RoutineError(problems or [Problem(Position(str(path), 1, 1), "not a plan")])
    return plan
