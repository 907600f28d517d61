"""A plan's progression applied to a loaded routine, in memory: the holds a week longer, the
repeats a round more. The routine's file is never touched; the routine played is a changed
copy of the model, compiled as any other."""

from __future__ import annotations

from dataclasses import replace

from calfkit.model import Hold, Include, Repeat, Routine, Sides, Step
from calfkit.plan.model import HoldRule, RoundsRule, Session


def progressed(routine: Routine, session: Session, week: int) -> Routine:
    """``routine`` as the plan asks for it in ``week`` (1-based); the same object when the
    plan changes nothing that week."""
    if not session.progresses:
        return routine
    steps = _steps(routine.steps, session.hold, session.rounds, week)
    return routine if steps == routine.steps else replace(routine, steps=steps)


def _steps(
    steps: tuple[Step, ...], hold: HoldRule | None, rounds: RoundsRule | None, week: int
) -> tuple[Step, ...]:
    return tuple(_step(step, hold, rounds, week) for step in steps)


def _step(step: Step, hold: HoldRule | None, rounds: RoundsRule | None, week: int) -> Step:
    if isinstance(step, Hold) and hold is not None:
        return replace(step, duration=hold.seconds(step.duration, week))
    if isinstance(step, Repeat):
        inner = _steps(step.steps, hold, rounds, week)
        count = step.rounds if rounds is None else rounds.rounds(step.rounds, week)
        return replace(step, steps=inner, rounds=count)
    if isinstance(step, Sides):
        return replace(step, steps=_steps(step.steps, hold, rounds, week))
    if isinstance(step, Include):
        inner_routine = replace(step.routine, steps=_steps(step.routine.steps, hold, rounds, week))
        return replace(step, routine=inner_routine)
    return step


def describe(session: Session, week: int) -> str:
    """What the week's progression is, in words: "holds +10 s, 1 more round"; "" for none."""
    from calfkit import words

    parts = []
    if session.hold is not None:
        added = session.hold.seconds(0.0, week)
        if added > 0:
            up_to = words.length(session.hold.up_to)
            parts.append(f"holds +{words.length(added)} (up to {up_to})")
    if session.rounds is not None:
        more = session.rounds.rounds(0, week)
        if more > 0:
            parts.append(f"{words.plural(more, 'more round')}")
    return ", ".join(parts)
