"""``calfkit show ROUTINE``: a routine as a tree of steps with each step's time and the total,
its top-level steps numbered as ``play --from`` counts them and its cues as played."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import click

from calfkit.cli.common import echo, end_quietly, errors_to_exit
from calfkit.cli.routine_arg import ROUTINE

if TYPE_CHECKING:
    from rich.console import Console
    from rich.tree import Tree

    from calfkit.model import Routine, Side, Step


@click.command(name="show")
@click.argument("routine", type=ROUTINE)
@click.option("--json", "as_json", is_flag=True, help="Print the routine as a JSON object.")
def command(routine: str, as_json: bool) -> None:
    """Show ROUTINE (a name or a path to a .yaml file) as a tree of steps, each with its
    time, and the total. Steps that wait for Enter are counted as 10 seconds. Top-level
    steps are numbered as play --from counts them; cues are shown as played, with {side}
    filled in, a line for each side.

    \b
    Examples:  calfkit show calf-release
               calfkit show ./my-routine.yaml --json
    """
    from calfkit import library

    with errors_to_exit():
        loaded = library.load_ref(routine)
    if as_json:
        import json

        from calfkit.text import json_safe

        # JSON is data: the text as loaded (control characters were removed then), with any
        # DEL or C1 character in a path escaped, as JSON allows.
        echo(json_safe(json.dumps(routine_to_json(loaded), indent=2, ensure_ascii=False)))
    else:
        _print_tree(loaded)


def stdout_console(**options: object) -> Console:
    """A rich console on stdout that ends quietly, not with status 1, if the reader has gone."""
    from rich.console import Console

    class QuietOnClosedPipe(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            end_quietly()

    return QuietOnClosedPipe(**options)  # type: ignore[arg-type]


# --- JSON ------------------------------------------------------------------------------------


def routine_to_json(routine: Routine) -> dict[str, Any]:
    """The routine as plain data: its fields, its total and every step with its time."""
    from calfkit.format import measure
    from calfkit.text import JSON_FORMAT_VERSION

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
        "steps": [step_to_json(step) for step in routine.steps],
    }


def step_to_json(
    step: Step, sides: tuple[Side, ...] = (), rounds: int | None = None
) -> dict[str, Any]:
    """One step as plain data; inside a ``sides`` block (``sides``), a cue or note with
    ``{side}`` in it also comes filled in for each side, as played (``as_played``,
    ``note_as_played``: side to text); inside a ``repeat`` of ``rounds``, one with ``{round}``
    comes filled in for every round (``as_played_by_round``, ``note_as_played_by_round``: a
    list, round 1 first, of the text, or inside a sides block of side to text)."""
    from calfkit import model
    from calfkit.format import measure

    data: dict[str, Any] = {"kind": _kind(step), "seconds": measure.step_seconds(step)}
    if step.name is not None:
        data["name"] = step.name
    if isinstance(step, (model.Prepare, model.Do)):
        data.update(text=step.text, until_ready=step.until_ready)
    elif isinstance(step, model.Hold):
        data.update(text=step.text, countdown=step.countdown)
    elif isinstance(step, model.Count):
        data.update(count=step.count, every=step.every, cue=step.cue)
    elif isinstance(step, model.Breathe):
        data.update(breaths=step.breaths, inhale=step.inhale, exhale=step.exhale, cue=step.cue)
    elif isinstance(step, model.Rest):
        data.update(cue=step.cue)
    elif isinstance(step, model.Repeat):
        data.update(rounds=step.rounds, rest_between=step.rest_between)
        data["steps"] = [step_to_json(inner, sides, step.rounds) for inner in step.steps]
    elif isinstance(step, model.Sides):
        data.update(sides=[side.value for side in step.sides], switch=step.switch)
        data["steps"] = [step_to_json(inner, step.sides, rounds) for inner in step.steps]
    elif isinstance(step, model.Include):
        data.update(routine=step.ref, title=step.routine.title)
        # An included routine is checked on its own: its {side} only means something inside
        # its own sides blocks.
        data["steps"] = [step_to_json(inner) for inner in step.routine.steps]
    data.update(_played_json("as_played", _cue(step), sides, rounds))
    if step.note is not None:
        data["note"] = step.note
        data.update(_played_json("note_as_played", step.note, sides, rounds))
    return data


def _played_json(
    key: str, text: str | None, sides: tuple[Side, ...], rounds: int | None
) -> dict[str, Any]:
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


def _cue(step: Step) -> str | None:
    from calfkit import model

    if isinstance(step, (model.Prepare, model.Do, model.Hold)):
        return step.text
    if isinstance(step, (model.Count, model.Breathe, model.Rest)):
        return step.cue
    return None


def _filled(text: str, side: Side | None, round_: int | None, rounds: int | None) -> str:
    """``text`` as played on ``side`` in round ``round_``: filled in by the timeline's own
    filling, so that show can never say other than what is played."""
    from calfkit.timeline import fill

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


# How many rounds of a repeat show prints a text that changes by round for, in full; a longer
# repeat gets its first two rounds, a "…" line and its last (a repeat may have 100 rounds).
SHOWN_ROUNDS = 3


def _played_lines(
    text: str, sides: tuple[Side, ...], rounds: int | None
) -> list[tuple[str, str]] | None:
    """``text`` as played, one (label, text) a line, where it changes by side or by round
    ("Right", "Round 2", "Round 2, left"; "…" for rounds left out); None where it does not."""
    by_round = _by_round(text, rounds)
    if not by_round:
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


def _kind(step: Step) -> str:
    from calfkit import model

    kinds: dict[type, str] = {
        model.Prepare: "prepare",
        model.Do: "do",
        model.Hold: "hold",
        model.Count: "count",
        model.Breathe: "breathe",
        model.Rest: "rest",
        model.Repeat: "repeat",
        model.Sides: "sides",
        model.Include: "routine",
    }
    return kinds[type(step)]


# --- the tree --------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    from calfkit import words

    return words.length(value)


def _label(step: Step) -> tuple[str, str]:
    """What a step is (kind and settings) and what it says (its cue), for one tree line."""
    from calfkit import model

    if isinstance(step, (model.Prepare, model.Do)):
        return step.__class__.__name__, step.text
    if isinstance(step, model.Hold):
        # As the player beeps: never more whole seconds than the hold lasts.
        beeps = min(step.countdown, math.floor(step.duration))
        countdown = f", beeps for the last {beeps}s" if beeps else ""
        return f"Hold{countdown}", step.text
    if isinstance(step, model.Count):
        return f"Count {step.count}, every {_seconds(step.every)}", step.cue or ""
    if isinstance(step, model.Breathe):
        breaths = "breath" if step.breaths == 1 else "breaths"
        return (
            f"Breathe {step.breaths} {breaths} "
            f"({_seconds(step.inhale)} in, {_seconds(step.exhale)} out)",
            step.cue or "",
        )
    if isinstance(step, model.Rest):
        return "Rest", step.cue
    if isinstance(step, model.Repeat):
        # What is played: one round has nothing to rest between, one side nothing to switch.
        between = ""
        if step.rest_between and step.rounds > 1:
            between = f", {_seconds(step.rest_between)} rest between"
        rounds = "round" if step.rounds == 1 else "rounds"
        return f"Repeat {step.rounds} {rounds}{between}", ""
    if isinstance(step, model.Sides):
        sides = " then ".join(side.value for side in step.sides)
        switches = step.switch > 0 and len(step.sides) > 1
        switch = f", {_seconds(step.switch)} to switch" if switches else ""
        return f"Sides: {sides}{switch}", ""
    if isinstance(step, model.Include):
        return f"Routine {step.ref}", step.routine.title
    raise TypeError(f"not a step: {step!r}")


def _time(step: Step) -> str:
    from calfkit import model
    from calfkit.format import measure

    if isinstance(step, (model.Prepare, model.Do)) and step.until_ready:
        return f"until ready ({_seconds(step.duration)})"
    return _seconds(measure.step_seconds(step))


def _add_steps(
    tree: Tree,
    steps: tuple[Step, ...],
    sides: tuple[Side, ...] = (),
    rounds: int | None = None,
    *,
    numbered: bool = False,
) -> None:
    """Add ``steps`` under ``tree``, numbered 1.. as ``play --from`` counts them when they are
    the routine's own top-level steps, with cues filled in for each of ``sides`` and each of
    the innermost repeat's ``rounds`` (one line per side or round where they differ)."""
    from rich.text import Text

    from calfkit import model
    from calfkit.text import clean, one_line

    width = len(str(len(steps)))
    for number, step in enumerate(steps, start=1):
        kind, cue = _label(step)
        label = Text()
        if numbered:
            label.append(f"{number:>{width}}. ", style="bold")
        label.append(_time(step), style="bold green")
        label.append("  ")
        label.append(one_line(kind), style="bold")
        if step.name:
            label.append(f" [{one_line(step.name)}]", style="cyan")
        played = _played_lines(cue, sides, rounds) if cue else None
        if played is not None:
            label.append(":")
            label.append(_lines(played))
        elif cue:
            label.append(f": {clean(cue, layout=True)}")
        if step.note:
            notes = _played_lines(step.note, sides, rounds)
            if notes is None:
                label.append(f"\n{clean(step.note, layout=True)}", style="dim")
            else:
                label.append(_lines(notes), style="dim")
        branch = tree.add(label)
        if isinstance(step, model.Repeat):
            _add_steps(branch, step.steps, sides, step.rounds)
        elif isinstance(step, model.Sides):
            _add_steps(branch, step.steps, step.sides, rounds)
        elif isinstance(step, model.Include):
            _add_steps(branch, step.routine.steps)


def _lines(played: list[tuple[str, str]]) -> str:
    """Played text as show's lines under a step: "\nRight: …", "\nRound 2: …", "\n…"."""
    from calfkit.text import clean

    return "".join(
        f"\n{label}: {clean(text, layout=True)}" if text else f"\n{label}" for label, text in played
    )


def _print_tree(routine: Routine) -> None:
    from rich.text import Text
    from rich.tree import Tree

    from calfkit.format import measure
    from calfkit.text import clean, one_line

    total = measure.seconds(routine.steps)
    heading = Text()
    heading.append(one_line(routine.title), style="bold")
    heading.append(f" ({one_line(routine.name)})", style="cyan")
    root = Text("Steps", style="bold") + Text(" (play --from N starts at step N)", style="dim")
    tree = Tree(root, guide_style="dim")
    _add_steps(tree, routine.steps, numbered=True)

    console = stdout_console(highlight=False)
    console.print(heading)
    if routine.description:
        console.print(Text(clean(routine.description, layout=True)))
    if routine.equipment:
        equipment = ", ".join(one_line(item) for item in routine.equipment)
        console.print(Text("Equipment: ", style="bold") + Text(equipment))
    if routine.caution:
        console.print(Text("Caution: ", style="bold yellow") + Text(clean(routine.caution)))
    console.print(tree)
    from calfkit.words import plural

    summary = f"{_seconds(total)}, {plural(measure.step_count(routine.steps), 'timed step')}"
    if _waits_for_enter(routine.steps):
        summary += " (steps that wait for Enter counted as 10s)"
    console.print(Text("Total: ", style="bold") + Text(summary))


def _waits_for_enter(steps: tuple[Step, ...]) -> bool:
    from calfkit import model

    for step in steps:
        if isinstance(step, (model.Prepare, model.Do)) and step.until_ready:
            return True
        if isinstance(step, (model.Repeat, model.Sides)) and _waits_for_enter(step.steps):
            return True
        if isinstance(step, model.Include) and _waits_for_enter(step.routine.steps):
            return True
    return False
