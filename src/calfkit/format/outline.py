"""A routine as ``show`` presents it: the plain data of ``show --json`` (:func:`to_json`) and,
for its tree, each step's kind and settings in words, its time, and its text as played.

Text with ``{side}`` or ``{round}`` in it is filled in here by the timeline's own filling
(:mod:`calfkit.format.placeholders`), so show can never say other than what is played.
"""

from __future__ import annotations

import math

from calfkit import words
from calfkit.format import measure
from calfkit.format.placeholders import fill
from calfkit.model import (
    BlockVisitor,
    Breathe,
    Count,
    Do,
    Hold,
    Include,
    Prepare,
    Repeat,
    Reps,
    Rest,
    Routine,
    Side,
    Sides,
    Step,
    StepVisitor,
    TimedStep,
)
from calfkit.text import JSON_FORMAT_VERSION

Json = dict[str, object]
"""A JSON object."""

# How many rounds of a repeat show prints a text that changes by round for, in full; a longer
# repeat gets its first two rounds, a "…" line and its last (a repeat may have 100 rounds).
SHOWN_ROUNDS = 3


def to_json(routine: Routine) -> Json:
    """The routine as plain data: its fields, its total and every step with its time
    (docs/json.md says what each field is)."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "name": routine.name,
        "title": routine.title,
        "description": routine.description,
        "tags": list(routine.tags),
        "equipment": list(routine.equipment),
        "caution": routine.caution,
        "path": routine.path,
        "total_seconds": measure.seconds(routine.steps),
        "step_count": measure.step_count(routine.steps),
        "steps": [step_json(step) for step in routine.steps],
    }


def step_json(step: Step, sides: tuple[Side, ...] = (), rounds: int | None = None) -> Json:
    """One step as plain data; inside a ``sides`` block (``sides``), a cue or note with
    ``{side}`` in it also comes filled in for each side, as played (``as_played``,
    ``note_as_played``: side to text); inside a ``repeat`` of ``rounds``, one with ``{round}``
    comes filled in for every round (``as_played_by_round``, ``note_as_played_by_round``: a
    list, round 1 first, of the text, or inside a sides block of side to text)."""
    data: Json = {"kind": step.kind.value, "seconds": measure.step_seconds(step)}
    if step.name is not None:
        data["name"] = step.name
    data.update(step.accept(_SETTINGS))
    inside = inner(step, sides, rounds)
    if inside.steps:
        data["steps"] = [step_json(child, inside.sides, inside.rounds) for child in inside.steps]
    data.update(_played_json("as_played", cue(step), sides, rounds))
    if step.note is not None:
        data["note"] = step.note
        data.update(_played_json("note_as_played", step.note, sides, rounds))
    return data


class Inside:
    """The steps inside a block, with the sides and the rounds they are played in."""

    __slots__ = ("rounds", "sides", "steps")

    def __init__(self, steps: tuple[Step, ...], sides: tuple[Side, ...], rounds: int | None):
        self.steps = steps
        self.sides = sides
        self.rounds = rounds


def inner(step: Step, sides: tuple[Side, ...] = (), rounds: int | None = None) -> Inside:
    """The steps inside ``step`` (none for a timed step), played in ``sides`` and ``rounds``."""
    return step.accept(_Inner(sides, rounds))


class _Inner(BlockVisitor[Inside]):
    def __init__(self, played_sides: tuple[Side, ...], played_rounds: int | None) -> None:
        self.played_sides = played_sides
        self.played_rounds = played_rounds

    def timed(self, step: TimedStep) -> Inside:
        return Inside((), self.played_sides, self.played_rounds)

    def repeat(self, step: Repeat) -> Inside:
        return Inside(step.steps, self.played_sides, step.rounds)

    def sides(self, step: Sides) -> Inside:
        return Inside(step.steps, step.sides, self.played_rounds)

    def routine(self, step: Include) -> Inside:
        # An included routine is checked on its own: its {side} only means something inside
        # its own sides blocks.
        return Inside(step.routine.steps, (), None)


class _Settings(StepVisitor[Json]):
    """A step's own fields in ``show --json`` (its kind, time, name, note and steps apart)."""

    def prepare(self, step: Prepare) -> Json:
        return {"text": step.text, "until_ready": step.until_ready}

    def do(self, step: Do) -> Json:
        return {"text": step.text, "until_ready": step.until_ready}

    def hold(self, step: Hold) -> Json:
        return {"text": step.text, "countdown": step.countdown}

    def count(self, step: Count) -> Json:
        return {"count": step.count, "every": step.every, "cue": step.cue}

    def reps(self, step: Reps) -> Json:
        return {
            "reps": step.reps,
            "up": step.up,
            "top": step.top,
            "down": step.down,
            "bottom": step.bottom,
            "cue": step.cue,
        }

    def breathe(self, step: Breathe) -> Json:
        return {
            "breaths": step.breaths,
            "inhale": step.inhale,
            "exhale": step.exhale,
            "cue": step.cue,
        }

    def rest(self, step: Rest) -> Json:
        return {"cue": step.cue}

    def repeat(self, step: Repeat) -> Json:
        return {"rounds": step.rounds, "rest_between": step.rest_between}

    def sides(self, step: Sides) -> Json:
        return {"sides": [side.value for side in step.sides], "switch": step.switch}

    def routine(self, step: Include) -> Json:
        return {"routine": step.ref, "title": step.routine.title}


def cue(step: Step) -> str | None:
    """What the step says: its text or cue (a block says nothing of its own)."""
    return step.accept(_CUE)


class _Cue(StepVisitor["str | None"]):
    def prepare(self, step: Prepare) -> str | None:
        return step.text

    def do(self, step: Do) -> str | None:
        return step.text

    def hold(self, step: Hold) -> str | None:
        return step.text

    def count(self, step: Count) -> str | None:
        return step.cue

    def reps(self, step: Reps) -> str | None:
        return step.cue

    def breathe(self, step: Breathe) -> str | None:
        return step.cue

    def rest(self, step: Rest) -> str | None:
        return step.cue

    def repeat(self, step: Repeat) -> str | None:
        return None

    def sides(self, step: Sides) -> str | None:
        return None

    def routine(self, step: Include) -> str | None:
        return None


def label(step: Step) -> tuple[str, str]:
    """What a step is (kind and settings) and what it says (its cue), for one tree line."""
    return step.accept(_LABEL)


def time_text(step: Step) -> str:
    """How long the step lasts, as the tree says it ("until ready (10s)" for a ready step)."""
    seconds = measure.step_seconds(step)
    if measure.step_waits(step):
        return f"until ready ({words.length(seconds)})"
    return words.length(seconds)


class _Label(StepVisitor[tuple[str, str]]):
    def prepare(self, step: Prepare) -> tuple[str, str]:
        return "Prepare", step.text

    def do(self, step: Do) -> tuple[str, str]:
        return "Do", step.text

    def hold(self, step: Hold) -> tuple[str, str]:
        # As the player beeps: never more whole seconds than the hold lasts.
        beeps = min(step.countdown, math.floor(step.duration))
        countdown = f", beeps for the last {beeps}s" if beeps else ""
        return f"Hold{countdown}", step.text

    def count(self, step: Count) -> tuple[str, str]:
        return f"Count {step.count}, every {words.length(step.every)}", step.cue or ""

    def reps(self, step: Reps) -> tuple[str, str]:
        rep = words.tempo(step.up, step.top, step.down, step.bottom)
        return f"Reps {step.reps}: {rep}", step.cue or ""

    def breathe(self, step: Breathe) -> tuple[str, str]:
        breaths = "breath" if step.breaths == 1 else "breaths"
        return (
            f"Breathe {step.breaths} {breaths} "
            f"({words.length(step.inhale)} in, {words.length(step.exhale)} out)",
            step.cue or "",
        )

    def rest(self, step: Rest) -> tuple[str, str]:
        return "Rest", step.cue

    def repeat(self, step: Repeat) -> tuple[str, str]:
        # What is played: one round has nothing to rest between, one side nothing to switch.
        between = ""
        if step.rest_between and step.rounds > 1:
            between = f", {words.length(step.rest_between)} rest between"
        rounds = "round" if step.rounds == 1 else "rounds"
        return f"Repeat {step.rounds} {rounds}{between}", ""

    def sides(self, step: Sides) -> tuple[str, str]:
        sides = " then ".join(side.value for side in step.sides)
        switches = step.switch > 0 and len(step.sides) > 1
        switch = f", {words.length(step.switch)} to switch" if switches else ""
        return f"Sides: {sides}{switch}", ""

    def routine(self, step: Include) -> tuple[str, str]:
        return f"Routine {step.ref}", step.routine.title


_SETTINGS = _Settings()
_CUE = _Cue()
_LABEL = _Label()


# ---- text as played ------------------------------------------------------------------------


def _played_json(key: str, text: str | None, sides: tuple[Side, ...], rounds: int | None) -> Json:
    """``{key: side to text}``, or ``{key_by_round: [...]}`` where ``text`` changes with the
    round, or nothing where it is played as written."""
    if text is None:
        return {}
    if _by_round(text, rounds):
        assert rounds is not None
        return {
            f"{key}_by_round": [
                _as_played(text, sides, round_, rounds) or _filled(text, None, round_, rounds)
                for round_ in range(1, rounds + 1)
            ]
        }
    played = _as_played(text, sides)
    return {key: played} if played is not None else {}


def _filled(text: str, side: Side | None, round_: int | None, rounds: int | None) -> str:
    return fill(text, side=side, round_=round_, rounds=rounds)


def _by_round(text: str, rounds: int | None) -> bool:
    """Whether ``text``, inside a repeat of ``rounds`` (None outside one), changes by round."""
    return rounds is not None and _filled(text, None, 1, rounds) != text


def _as_played(
    text: str | None,
    sides: tuple[Side, ...],
    round_: int | None = None,
    rounds: int | None = None,
) -> dict[str, str] | None:
    """Side to ``text`` filled in (in round ``round_``), or None where every side hears the
    same."""
    if text is None or not sides:
        return None
    unsided = _filled(text, None, round_, rounds)
    played = {side.value: _filled(text, side, round_, rounds) for side in sides}
    return played if any(filled != unsided for filled in played.values()) else None


def played_lines(
    text: str, sides: tuple[Side, ...], rounds: int | None
) -> list[tuple[str, str]] | None:
    """``text`` as played, one (label, text) a line, where it changes by side or by round
    ("Right", "Round 2", "Round 2, left"; "…" for rounds left out); None where it does not."""
    if not _by_round(text, rounds):
        played = _as_played(text, sides)
        if played is None:
            return None
        return [(side.capitalize(), filled) for side, filled in played.items()]
    assert rounds is not None
    shown: list[int | None] = list(range(1, rounds + 1))
    if rounds > SHOWN_ROUNDS:
        shown = [1, 2, None, rounds]
    lines: list[tuple[str, str]] = []
    for round_ in shown:
        if round_ is None:
            lines.append(("…", ""))
            continue
        per_side = _as_played(text, sides, round_, rounds)
        if per_side is None:
            lines.append((f"Round {round_}", _filled(text, None, round_, rounds)))
        else:
            lines.extend((f"Round {round_}, {side}", filled) for side, filled in per_side.items())
    return lines
