"""``calfkit schema``: print the routine format's JSON Schema for editors."""

from __future__ import annotations

import click


@click.command(name="schema")
@click.option("--plan", "plan", is_flag=True, help="The plan format's schema instead.")
def command(plan: bool) -> None:
    """Print the JSON Schema (Draft 7) of the routine format (with --plan: of the plan
    format, docs/plans.md).

    Save it and point your editor's YAML support (yaml-language-server) at it for
    completion, hover help and errors as you type:

    \b
    calfkit schema > calfkit.schema.json
    # then, as the first line of a routine file:
    # yaml-language-server: $schema=./calfkit.schema.json
    calfkit schema --plan > calfkit-plan.schema.json
    """
    import json

    if plan:
        from calfkit.plan.schema import json_schema as plan_schema

        click.echo(json.dumps(plan_schema(), indent=2, ensure_ascii=False))
        return
    from calfkit.format.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
