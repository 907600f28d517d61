"""``calfkit validate``: check routine files and report every problem, one line each."""

from __future__ import annotations

import click


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
def command(paths: tuple[str, ...], output_format: str) -> None:
    """Check routine files (and the routines they include); report every problem.

    Each problem is one line, PATH:LINE:COL: error: MESSAGE, pointing at the key or value
    it is about. A file without problems prints PATH: ok. Exits 0 when every file is
    valid, 1 when any is not.

    \b
    Examples:  calfkit validate my-routine.yaml
               calfkit validate routines/*.yaml --format json
    """
    from calfkit import library

    results = [(path, library.check_safely(path)) for path in paths]
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
    if any(problems for _, problems in results):
        raise SystemExit(1)
