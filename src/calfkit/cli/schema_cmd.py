"""``calfkit schema``: print the routine format's JSON Schema for editors."""

from __future__ import annotations

import click


@click.command(name="schema")
def command() -> None:
    """Print the JSON Schema (Draft 7) of the routine format.

    Save it and point your editor's YAML support (yaml-language-server) at it for
    completion, hover help and errors as you type:

    \b
    calfkit schema > calfkit.schema.json
    # then, as the first line of a routine file:
    # yaml-language-server: $schema=./calfkit.schema.json
    """
    import json

    from calfkit.format.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
