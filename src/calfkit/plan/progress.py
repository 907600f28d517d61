"""A plan's progression applied to a loaded routine, in memory: the holds a week longer, the
repeats a round more. The routine's file is never touched; the routine played is a changed
copy of the model, compiled as any other."""

from __future__ import annotations

from dataclasses import replace

from calfkit.model import BlockVisitor, Hold, Include, Repeat, Routine, Sides, Step, TimedStep
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
    return _Progress(hold, rounds, week).steps(steps)


class _Progress(BlockVisitor[Step]):
    """A step as progressed: a hold longer, a repeat's rounds more, the steps inside too;
    every other timed step as it is."""

    def __init__(self, hold: HoldRule | None, rounds: RoundsRule | None, week: int) -> None:
        self.hold_rule = hold
        self.rounds_rule = rounds
        self.week = week

    def steps(self, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        return tuple(step.accept(self) for step in steps)

    def timed(self, step: TimedStep) -> Step:
        return step

    def hold(self, step: Hold) -> Step:
        if self.hold_rule is None:
            return step
        return replace(step, duration=self.hold_rule.seconds(step.duration, self.week))

    def repeat(self, step: Repeat) -> Step:
        rule = self.rounds_rule
        count = step.rounds if rule is None else rule.rounds(step.rounds, self.week)
        return replace(step, steps=self.steps(step.steps), rounds=count)

    def sides(self, step: Sides) -> Step:
        return replace(step, steps=self.steps(step.steps))

    def routine(self, step: Include) -> Step:
        inner_routine = replace(step.routine, steps=self.steps(step.routine.steps))
        return replace(step, routine=inner_routine)


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
