"""``calfkit validate``: check routine files and report every problem, one line each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from calfkit.errors import Position
    from calfkit.errors import Problem as Problem


@click.command(name="validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one PATH:LINE:COL line per problem; json: a list of problem objects.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def command(paths: tuple[str, ...], output_format: str, strict: bool) -> None:
    """Check routine files (and the routines they include); report every problem.

    Each problem is one line, PATH:LINE:COL: error: MESSAGE, pointing at the key or value
    it is about; warnings (a cue too long to be heard in its step) say warning instead. A
    file without problems prints PATH: ok. Exits 0 when every file is valid (warnings or
    not), 1 when any is not, or has a warning with --strict.

    \b
    Examples:  calfkit validate my-routine.yaml
               calfkit validate routines/*.yaml --format json
    """
    from calfkit import library
    from calfkit.errors import Severity

    results = [(path, _with_warnings(path, library.check_safely(path))) for path in paths]
    if output_format == "json":
        import json

        everything = [problem.to_json() for _, problems in results for problem in problems]
        click.echo(json.dumps(everything, indent=2, ensure_ascii=False))
    else:
        for path, problems in results:
            if not problems:
                click.echo(f"{path}: ok")
            for problem in problems:
                click.echo(problem.format())
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(problem.severity in failing for _, problems in results for problem in problems):
        raise SystemExit(1)


def _with_warnings(path: str, problems: list[Problem]) -> list[Problem]:
    """A valid file's problems and its warnings: cues too long to be heard in their step."""
    if problems:
        return problems
    from calfkit import library
    from calfkit.errors import CalfkitError, Problem, Severity
    from calfkit.sound.plan import unheard_cues
    from calfkit.timeline import compile_routine

    try:
        timeline = compile_routine(library.load(path))
    except CalfkitError:
        return problems
    found: dict[tuple[Position, str], Problem] = {}
    for unheard in unheard_cues(timeline):
        where = unheard.segment.position
        if where is None:
            continue
        message = (
            f"this cue takes about {unheard.needs:.1f} s to say at the normal rate, but its "
            f"step and the quiet before it leave {max(0.0, unheard.has):.1f} s; it will be "
            "sped up or heard late (shorten it or lengthen the step)"
        )
        found.setdefault((where, message), Problem(where, message, Severity.WARNING))
    return sorted(found.values(), key=lambda p: p.position)
