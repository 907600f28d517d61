"""The limits a routine must keep, checked: at most 24 hours and 100,000 timed events when
expanded (by :mod:`calfkit.format.measure`'s arithmetic, never by expanding), and steps
nested at most 8 levels (an included routine's own nesting counts where it is included).

The limits themselves are declared in :mod:`calfkit.model`; only the checks live here.
"""

from __future__ import annotations

from calfkit import words
from calfkit.errors import Position
from calfkit.format import measure
from calfkit.format.check.report import Reporter
from calfkit.model import MAX_EVENTS, MAX_NESTING, MAX_TOTAL_SECONDS, Routine, Step

_NESTS = f"repeat, sides and routine steps nest at most {MAX_NESTING} levels"


def check_totals(reporter: Reporter, routine: Routine, where: Position) -> None:
    """Record a problem at ``where`` if the routine, expanded, lasts or holds too much."""
    total = measure.seconds(routine.steps, reporter.loader.seconds)
    if total > MAX_TOTAL_SECONDS:
        reporter.problem(
            where,
            f"the routine lasts {words.exact_length(total)} when expanded; "
            f"a routine may last at most {MAX_TOTAL_SECONDS // 3600} hours",
        )
    events = measure.event_count(routine.steps, reporter.loader.events)
    if events > MAX_EVENTS:
        reporter.problem(
            where,
            f"the routine has {events:,} timed events when expanded "
            f"(steps, counts, breaths and countdown beeps); at most {MAX_EVENTS:,} are allowed",
        )


def too_long(step: Step, length: float, total: float) -> str:
    """Why the steps up to ``step`` (``length`` of the ``total`` seconds) last too long."""
    kind = f"{step.kind.value} step"
    limit = f"a routine may last at most {MAX_TOTAL_SECONDS // 3600} hours"
    if length > MAX_TOTAL_SECONDS:
        return f"{kind}: lasts {words.exact_length(length)} when expanded; {limit}"
    return (
        f"{kind}: with this step's {words.length(length)}, the steps here last "
        f"{words.exact_length(total)} when expanded; {limit}"
    )


def too_many_events(step: Step, count: int, total: int) -> str:
    """Why the steps up to ``step`` (``count`` events of the ``total``) are past the limit."""
    kind = f"{step.kind.value} step"
    if count > MAX_EVENTS:  # the step alone: its rounds, sides or include multiply past it
        return (
            f"{kind}: expands to {count:,} timed events (steps, counts, breaths and countdown "
            f"beeps); a routine may have at most {MAX_EVENTS:,}"
        )
    return (
        f"{kind}: with this step's {count:,} timed events, the steps here come to {total:,} "
        f"when expanded (steps, counts, breaths and countdown beeps); a routine may have at "
        f"most {MAX_EVENTS:,}"
    )


def too_many_steps(label: str, count: int) -> str | None:
    """Why a list of ``count`` steps is over the limit, whatever its steps say; else None.

    Every step is at least one timed event, so such a list is refused at once (checking
    100,000 steps first would take most of a second to say the same)."""
    if count <= MAX_EVENTS:
        return None
    return (
        f"{label} holds {count:,} steps, so the routine has more than "
        f"{MAX_EVENTS:,} timed events when expanded (each step is at least one); "
        f"at most {MAX_EVENTS:,} are allowed"
    )


def too_deep(context: str, level: int) -> str | None:
    """Why a block step at nesting ``level`` is too deep, or None."""
    if level <= MAX_NESTING:
        return None
    return f"{context}nested {level} levels deep; {_NESTS}"


def include_too_deep(
    ref: str, level: int, included: tuple[Step, ...], known: dict[int, int] | None = None
) -> str | None:
    """Why including a routine of ``included`` steps at ``level`` nests too deep, or None."""
    deepest = level + measure.nesting(included, known)
    if deepest <= MAX_NESTING:
        return None
    return f"routine step: with the steps of {ref!r} this nests {deepest} levels deep; {_NESTS}"
