"""``calfkit show ROUTINE``: a routine as a tree of steps with each step's time and the total,
its top-level steps numbered as ``play --from`` counts them and its cues as played."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    time, and the total. Steps that wait for Enter are counted as the time they last
    where nobody presses it (ready 30s: 30 s; plain ready: its cue and 10 s more). Top-level
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

        # JSON is data: the text as loaded (control characters were removed then), with any
        # DEL or C1 character in a path escaped, as JSON allows.
        from calfkit.format.outline import to_json
        from calfkit.text import json_safe

        echo(json_safe(json.dumps(to_json(loaded), indent=2, ensure_ascii=False)))
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


# --- the tree --------------------------------------------------------------------------------


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

    from calfkit.format.outline import inner, label, played_lines, time_text
    from calfkit.text import clean, one_line

    width = len(str(len(steps)))
    for number, step in enumerate(steps, start=1):
        kind, cue = label(step)
        line = Text()
        if numbered:
            line.append(f"{number:>{width}}. ", style="bold")
        line.append(time_text(step), style="bold green")
        line.append("  ")
        line.append(one_line(kind), style="bold")
        if step.name:
            line.append(f" [{one_line(step.name)}]", style="cyan")
        played = played_lines(cue, sides, rounds) if cue else None
        if played is not None:
            line.append(":")
            line.append(_lines(played))
        elif cue:
            line.append(f": {clean(cue, layout=True)}")
        if step.note:
            notes = played_lines(step.note, sides, rounds)
            if notes is None:
                line.append(f"\n{clean(step.note, layout=True)}", style="dim")
            else:
                line.append(_lines(notes), style="dim")
        branch = tree.add(line)
        inside = inner(step, sides, rounds)
        if inside.steps:
            _add_steps(branch, inside.steps, inside.sides, inside.rounds)


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
    from calfkit import words

    summary = (
        f"{words.length(total)}, {words.plural(measure.step_count(routine.steps), 'timed step')}"
    )
    if measure.waits_for_enter(routine.steps):
        summary += " (steps that wait for Enter counted as the time each shows)"
    console.print(Text("Total: ", style="bold") + Text(summary))
