"""``calfkit validate``: check routine files and report every problem, one line each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from calfkit.cli.routine_arg import ROUTINE
from calfkit.errors import Position, Problem, Severity

if TYPE_CHECKING:
    from calfkit.model import Routine


@click.command(name="validate")
@click.argument("routines", metavar="ROUTINE...", nargs=-1, required=True, type=ROUTINE)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one PATH:LINE:COL line per problem; json: a list of problem objects.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="The same as --format json (as list, show and history spell it).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 if there are any).")
@click.pass_context
def command(
    ctx: click.Context, routines: tuple[str, ...], output_format: str, as_json: bool, strict: bool
) -> None:
    """Check routine files (and the routines they include); report every problem.

    Each ROUTINE is a path to a file or a routine name, as for play and show. Each problem
    is one line, PATH:LINE:COL: error: MESSAGE (or warning: for what is allowed but
    probably not meant), pointing at the key or value it is about. A file without problems
    prints PATH: ok. Exits 0 when no file has an error, 1 when any has (with --strict, a
    warning counts as an error). A file that cannot be read is an error; the others are
    still checked.

    \b
    Examples:  calfkit validate my-routine.yaml
               calfkit validate calf-release
               calfkit validate routines/*.yaml --json
    """
    if as_json:
        given = ctx.get_parameter_source("output_format") is click.core.ParameterSource.COMMANDLINE
        if given and output_format != "json":
            raise click.UsageError(f"--json and --format {output_format} ask for different output")
        output_format = "json"
    results = [(ref, _check(ref)) for ref in routines]
    if output_format == "json":
        import json

        everything = [problem.to_json() for _, problems in results for problem in problems]
        from calfkit.text import json_safe

        click.echo(json_safe(json.dumps(everything, indent=2, ensure_ascii=False)))
    else:
        from calfkit.errors import printable

        for ref, problems in results:
            if not problems:
                click.echo(f"{printable(ref)}: ok")
            for problem in problems:
                click.echo(problem.format())
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(problem.severity in failing for _, problems in results for problem in problems):
        raise SystemExit(1)


def _check(ref: str) -> list[Problem]:
    """The problems of one ROUTINE argument: a path, or a name looked up as play does."""
    import os

    from calfkit import library
    from calfkit.errors import CalfkitError

    path = ref
    try:
        if library.is_name(ref) and not os.path.lexists(ref):
            path = str(library.find(ref))
    except CalfkitError as error:
        return [Problem(Position(ref, 1, 1), str(error))]
    if not os.path.lexists(path):
        hint = library.meant_a_name(ref)  # calf_release, Calf-Release: a name mistyped
        if hint:
            return [Problem(Position(ref, 1, 1), f"no such file{hint}")]
    return _with_warnings(*library.examine_safely(path))


def _with_warnings(routine: Routine | None, problems: list[Problem]) -> list[Problem]:
    """A file's problems and, when it has no errors, its cues too long to be heard in their
    step (from the routine as read once: a file at the size limit is not read again)."""
    if routine is None:
        return problems
    from calfkit.errors import CalfkitError
    from calfkit.export.medium import for_track
    from calfkit.format.source import no_gc
    from calfkit.sound.plan import unheard_cues
    from calfkit.timeline import compile_routine

    # A full-size file compiles to 100,000 segments, none of them garbage (see no_gc).
    with no_gc():
        try:
            # As a track says it: a ready step's cue with the time it gives after it.
            timeline = for_track(compile_routine(routine))
        except CalfkitError:
            return problems
        unheard_list = unheard_cues(timeline)
    from calfkit.errors import MAX_PROBLEMS, MORE_NOT_SHOWN

    more = bool(problems) and problems[-1].message == MORE_NOT_SHOWN
    kept = problems[:-1] if more else problems
    # The same cap as the checker's: a file of 40,000 cues too long for their steps gets
    # the first ones and "more not shown", not 40,000 lines.
    room = MAX_PROBLEMS - len(kept)
    found: dict[tuple[Position, str], Problem] = {}
    for unheard in unheard_list:
        where = unheard.segment.position
        if where is None:
            continue
        message = (
            f"this cue takes about {unheard.needs:.1f} s to say at the normal rate, but its "
            f"step and the quiet before it leave {max(0.0, unheard.has):.1f} s; it will be "
            "sped up or heard late (shorten it or lengthen the step)"
        )
        if (where, message) in found:
            continue
        if len(found) >= room:
            more = True
            break
        found[where, message] = Problem(where, message, Severity.WARNING)
    result = sorted([*kept, *found.values()], key=lambda p: p.position)
    if more and result:
        result.append(Problem(result[-1].position, MORE_NOT_SHOWN, Severity.WARNING))
    return result
