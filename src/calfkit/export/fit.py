"""The routine as a FIT workout for a watch, written with Garmin's own FIT SDK Encoder.

The file holds a ``file_id`` (type workout), one ``workout`` (sport training, sub-sport
flexibility training, named after the routine) and its ``workout_step`` messages:

- a timed step is a ``time`` step of its length;
- a ``duration: ready`` step is an ``open`` step: the watch waits for the lap button;
- counts and breaths are ``time`` steps of their whole length, the count in the notes;
- a ``reps`` step is a ``reps`` step of its number of reps, its tempo in the notes (the watch
  moves on at the lap button; the check below counts it as its planned length);
- a ``repeat`` block is its steps once, then a ``repeat_until_steps_cmplt`` step that sends
  the watch back to the first of them until all its rounds are done. A ``rest_between`` comes
  between rounds only, so such a block is written as rounds-1 repeats of (steps, rest) and
  then the steps once more. A repeat that holds another repeat is written round by round
  (its inner repeats stay repeats), so repeats never nest: not every watch follows nesting;
- ``sides`` are laid out right then left, with the side in the names (``R:``/``L:``), and
  the switch between them as a rest step.

Names are what a watch shows large: the step's own name where it has one (the whole cue goes
to the notes), else its cue cut at a word, the rest in the notes. Watches keep 15 bytes of a
name (Garmin's C SDK reserves 16 with the terminator), so names are cut, at a word, to that.

The steps come from the routine's compiled timeline, so texts, sides and lengths are exactly
what ``show`` and ``play`` give; before writing, the steps are run through their repeats
(:func:`workout_seconds`) and must add up to the routine's total, each open step counted as
the time ``show`` counts it, or nothing is written. The file keeps lengths in milliseconds, so
the sum may differ from the total by half a millisecond per step played (routines timed in
whole or tenth seconds add up exactly).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from calfkit import words
from calfkit.errors import ExportError
from calfkit.exercises import EXERCISES
from calfkit.export.render import Progress, Render
from calfkit.export.text import clean, cut
from calfkit.model import (
    BlockVisitor,
    Include,
    Kind,
    Repeat,
    Reps,
    Side,
    Sides,
    Step,
    TimedStep,
    every_step,
)
from calfkit.timeline import Segment, SegmentKind, Timeline

__all__ = ["NAME_BYTES", "SOUND", "WorkoutStep", "layout", "workout_seconds", "write"]

SOUND = False
"""A workout holds no sound: the session's sounds are not rendered for it."""

NAME_BYTES = 15
"""How much of a workout's or a step's name a watch keeps (FIT's C SDK: 16 bytes, with NUL)."""

NOTES_BYTES = 254
"""The most a FIT string field holds (255 bytes with its terminator)."""

SIDE_MARKS = {Side.RIGHT: "R", Side.LEFT: "L"}
SIDE_WORDS = {Side.RIGHT: "Right side", Side.LEFT: "Left side"}

WATCH_READY = "Press lap when ready."
"""How a watch says a ``duration: ready`` step waits: it is an open step, ended by lap."""

SPORT, SUB_SPORT = "mobility", "flexibility_training"
"""The FIT profile's sport for calf care (86, mobility), and its flexibility sub-sport."""

# Short words a cut name should not end on ("Calf Release at").
_DANGLING = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


@dataclass
class WorkoutStep:
    """One ``workout_step`` before it is encoded.

    ``kind`` is "time" (``seconds`` long), "open" (until the lap button), "reps" (``reps``
    repetitions, until the lap button; planned as ``seconds``: a ``reps`` step, or a count) or
    "repeat" (go back to step ``back_to`` until ``rounds`` rounds are done)."""

    kind: str
    name: str = ""
    notes: str = ""
    seconds: float = 0.0
    intensity: str = "active"
    back_to: int = 0
    rounds: int = 0
    reps: int = 0  # a "reps" step: how many (the watch moves on at the lap button)
    exercise: str | None = None  # a name in calfkit.exercises.EXERCISES
    segments: list[int] = field(default_factory=list)  # the flat steps it stands for


def short_name(text: str, limit: int = NAME_BYTES) -> tuple[str, str]:
    """``text`` cut to ``limit`` bytes, and the rest: at the end of its first sentence or
    clause if that fits ("Heels down."), else at a word, never ending on a dangling short
    word ("at", "the") or on punctuation."""
    text = clean(text)
    clause = re.match(r"(.+?[.,;:!?])\s+(.*)$", text)
    if clause and len(clause.group(1).encode("utf-8")) <= limit:
        head, rest = clause.group(1), clause.group(2)
    else:
        head, rest = cut(text, limit)
        if rest:
            parts = head.split(" ")
            while len(parts) > 1 and parts[-1].lower().strip(",;:.") in _DANGLING:
                rest = f"{parts.pop()} {rest}"
            head = " ".join(parts)
    stripped = head.rstrip(",;:.-")
    return stripped or head, rest


class _Segments(BlockVisitor[int]):
    """How many timeline segments a step becomes."""

    def timed(self, step: TimedStep) -> int:
        return 1

    def repeat(self, step: Repeat) -> int:
        body = sum(child.accept(self) for child in step.steps)
        rests = step.rounds - 1 if step.rest_between else 0
        return step.rounds * body + rests

    def sides(self, step: Sides) -> int:
        switches = len(step.sides) - 1 if step.switch > 0 else 0
        return len(step.sides) * sum(child.accept(self) for child in step.steps) + switches

    def routine(self, step: Include) -> int:
        return sum(child.accept(self) for child in step.routine.steps)


_SEGMENTS = _Segments()


def _holds_repeat(steps: tuple[Step, ...]) -> bool:
    return any(step.kind is Kind.REPEAT for step in every_step(steps))


def _sentence(text: str) -> str:
    text = clean(text)
    return text if not text or text[-1] in ".!?" else text + "."


def _seconds(value: float) -> str:
    return words.length(value)  # the one style for a length: "1.5s", "4s"


_KIND_NAMES = {
    SegmentKind.PREPARE: "Get ready",
    SegmentKind.DO: "Move",
    SegmentKind.HOLD: "Hold",
    SegmentKind.BREATHE: "Breathe",
    SegmentKind.REST: "Rest",
}


def _fallback_name(segment: Segment, budget: int) -> str:
    """A name for a step with none of its own: its cue if the whole first sentence fits ("Heels
    down."), else what kind of step it is ("Hold", "12 reps"): never a cut-off sentence."""
    text = clean(segment.text)
    sentence = re.match(r"(.+?)[.!?](?:\s|$)", text)
    first = sentence.group(1) if sentence else text
    if len(first.encode("utf-8")) <= budget and "," not in first:
        return first
    if segment.kind is SegmentKind.COUNT and segment.ticks:
        return f"{segment.ticks[0].of} reps"
    return _KIND_NAMES.get(segment.kind, "Step")


def _timed_step(
    segment: Segment,
    own_name: str | None,
    exercise: str | None = None,
    tempo: str | None = None,
) -> WorkoutStep:
    budget = NAME_BYTES
    mark = ""
    if segment.side is not None and segment.kind is not SegmentKind.SWITCH:
        mark = f"{SIDE_MARKS[segment.side]}: "
        budget -= len(mark)
    if segment.kind is SegmentKind.SWITCH and segment.side is not None:
        name = f"Switch to {segment.side.value}"
    elif own_name:
        name, _ = short_name(own_name, budget)
    else:
        name = _fallback_name(segment, budget)
    # The notes are whole sentences: the whole cue, then what the name and length leave out.
    notes = [_sentence(segment.text)] if clean(segment.text) != name else []
    if mark and segment.side is not None:
        notes.append(f"{SIDE_WORDS[segment.side]}.")
    reps = 0
    count = next((tick for tick in segment.ticks), None)
    if segment.kind is SegmentKind.COUNT and count is not None:
        reps = count.of
        every = segment.duration / count.of
        notes.append(f"{count.of} reps, one every {_seconds(every)}.")
    if tempo is not None:
        notes.append(tempo)
    if segment.kind is SegmentKind.BREATHE and segment.ticks:
        breaths = segment.ticks[0].of
        inhale = segment.ticks[1].offset if len(segment.ticks) > 1 else 0.0
        exhale = segment.duration / breaths - inhale
        plural = "breath" if breaths == 1 else "breaths"
        notes.append(f"{breaths} {plural}: in {_seconds(inhale)}, out {_seconds(exhale)}.")
    if segment.until_ready:
        notes.append(WATCH_READY)
    if segment.note:
        notes.append(_sentence(segment.note))
    intensity = "rest" if segment.kind in (SegmentKind.REST, SegmentKind.SWITCH) else "active"
    notes_text, _ = cut(" ".join(notes), NOTES_BYTES)
    kind = "open" if segment.until_ready else "reps" if reps else "time"
    return WorkoutStep(
        kind=kind,
        name=mark + name,
        notes=notes_text,
        seconds=segment.duration,
        intensity=intensity,
        reps=reps,
        exercise=exercise,
        segments=[segment.index],
    )


def layout(timeline: Timeline) -> list[WorkoutStep]:
    """The workout steps of ``timeline``'s routine, in the order the watch reads them."""
    placing = _Layout(timeline.segments)
    placing.walk(timeline.routine.steps)
    if placing.position != len(timeline.segments):
        raise ExportError(
            f"the workout lays out {placing.position} of the routine's "
            f"{len(timeline.segments)} steps (a bug)"
        )
    return placing.out


class _Layout(BlockVisitor[None]):
    """Lays steps out as workout steps, taking their segments from the timeline in order."""

    def __init__(self, segments: tuple[Segment, ...]) -> None:
        self.segments = segments
        self.out: list[WorkoutStep] = []
        self.position = 0  # the next timeline segment to use
        self.exercise: str | None = None  # the enclosing blocks' exercise

    def walk(self, steps: tuple[Step, ...], block: Step | None = None) -> None:
        outer = self.exercise
        if block is not None and block.exercise is not None:
            self.exercise = block.exercise
        for step in steps:
            step.accept(self)
        self.exercise = outer

    def segment_step(
        self, own_name: str | None, exercise: str | None = None, tempo: str | None = None
    ) -> WorkoutStep:
        segment = self.segments[self.position]
        self.position += 1
        self.out.append(_timed_step(segment, own_name, exercise, tempo))
        return self.out[-1]

    def timed(self, step: TimedStep) -> None:
        self.segment_step(step.name, step.exercise or self.exercise)

    def reps(self, step: Reps) -> None:
        rep = words.tempo(step.up, step.top, step.down, step.bottom)
        # With no name of its own, a watch says how many ("5 reps"), as for a count.
        placed = self.segment_step(
            step.name or words.plural(step.reps, "rep"),
            step.exercise or self.exercise,
            f"{words.plural(step.reps, 'rep')}: {rep}.",
        )
        placed.kind = "reps"
        placed.reps = step.reps

    def repeat(self, step: Repeat) -> None:
        body = sum(child.accept(_SEGMENTS) for child in step.steps)
        rest = bool(step.rest_between) and step.rounds > 1
        if step.rounds == 1 or _holds_repeat(step.steps):
            for round_ in range(1, step.rounds + 1):
                self.walk(step.steps, step)
                if rest and round_ < step.rounds:
                    self.segment_step(None)
            return
        first = len(self.out)
        self.walk(step.steps, step)
        if rest:
            self.segment_step(None)  # the rest between rounds
            if step.rounds - 1 > 1:
                self.repeat_step(first, step.rounds - 1, step.name)
                self.position += (step.rounds - 2) * (body + 1)
            self.walk(step.steps, step)  # the last round, with no rest after it
        else:
            self.repeat_step(first, step.rounds, step.name)
            self.position += (step.rounds - 1) * body

    def repeat_step(self, first: int, rounds: int, name: str | None) -> None:
        label, _ = short_name(name or f"Repeat {rounds}x")
        self.out.append(WorkoutStep(kind="repeat", name=label, back_to=first, rounds=rounds))

    def sides(self, step: Sides) -> None:
        for number, _side in enumerate(step.sides):
            if number > 0 and step.switch > 0:
                self.segment_step(None)
            self.walk(step.steps, step)

    def routine(self, step: Include) -> None:
        self.walk(step.routine.steps, step)


def workout_seconds(steps: list[WorkoutStep]) -> float:
    """How long ``steps`` last run through their repeats, each open step as the time it lasts
    where nobody presses a key (``ready 20s``: 20 s; ``ready``: its cue and 10 s more), as
    ``show`` counts it."""
    total = 0.0
    done: dict[int, int] = {}  # repeat step -> rounds done so far
    index = 0
    while index < len(steps):
        step = steps[index]
        if step.kind == "repeat":
            done[index] = done.get(index, 1) + 1
            if done[index] <= step.rounds:
                index = step.back_to
                continue
            done.pop(index)
        else:
            # As the file keeps it: to the millisecond (reps as long as they take when played).
            total += round(step.seconds * 1000) / 1000
        index += 1
    return total


def messages(timeline: Timeline, steps: list[WorkoutStep]) -> list[dict[str, object]]:
    """The FIT messages of the workout, as the SDK's Encoder takes them."""
    from garmin_fit_sdk import Profile

    numbers = Profile["mesg_num"]
    name, _ = short_name(timeline.routine.title)
    out: list[dict[str, object]] = [
        {
            "mesg_num": numbers["FILE_ID"],
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": 1,
            "time_created": datetime.datetime.now(datetime.timezone.utc),
        },
        {
            "mesg_num": numbers["WORKOUT"],
            "wkt_name": name,
            "sport": SPORT,
            "sub_sport": SUB_SPORT,
            "num_valid_steps": len(steps),
        },
    ]
    for index, step in enumerate(steps):
        message: dict[str, object] = {"mesg_num": numbers["WORKOUT_STEP"], "message_index": index}
        if step.name:
            message["wkt_step_name"] = step.name
        if step.kind == "repeat":
            message["duration_type"] = "repeat_until_steps_cmplt"
            message["duration_value"] = step.back_to
            message["target_value"] = step.rounds
        else:
            message["duration_type"] = step.kind
            if step.kind == "time":
                message["duration_value"] = round(step.seconds * 1000)  # milliseconds
            elif step.kind == "reps":
                message["duration_value"] = step.reps
            message.update(_exercise_fields(step.exercise))
            message["target_type"] = "open"
            message["intensity"] = step.intensity
            if step.notes:
                message["notes"] = step.notes
        out.append(message)
    return out


def _exercise_fields(exercise: str | None) -> dict[str, object]:
    """The FIT exercise category and name of one of calfkit's exercises (calfkit.exercises)."""
    if exercise is None:
        return {}
    from garmin_fit_sdk import Profile

    found = EXERCISES[exercise]
    fields: dict[str, object] = {"exercise_category": found.category}
    if found.name is not None:
        names = Profile["types"][f"{found.category}_exercise_name"]
        fields["exercise_name"] = next(
            number for number, name in names.items() if name == found.name
        )
    return fields


def write(render: Render, path: str, *, progress: Progress | None = None) -> str:
    """Write ``render``'s routine to ``path`` as a FIT workout; say what it holds."""
    from garmin_fit_sdk import Encoder

    timeline = render.timeline
    steps = layout(timeline)
    total = workout_seconds(steps)
    # Each step's length is kept to the millisecond in the file: allow half of one per step.
    if abs(total - timeline.total) > 0.0005 * len(timeline.segments) + 1e-9:
        raise ExportError(
            f"the workout's steps add up to {total:g} s, not the routine's {timeline.total:g} s"
            " (a bug)"
        )
    encoder = Encoder()
    found = messages(timeline, steps)
    for done, message in enumerate(found, 1):
        encoder.write_mesg(message)
        if progress is not None:
            progress(done, len(found))
    data = encoder.close()
    try:
        with open(path, "wb") as out:
            out.write(bytes(data))
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    return f"{len(steps)} workout step{'' if len(steps) == 1 else 's'}"
