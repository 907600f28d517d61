"""``calfkit new NAME``: write a starter routine into the user's routines folder."""

from __future__ import annotations

import json
import os

import click

from calfkit.cli.common import errors_to_exit

STARTER = """\
# A calfkit routine: edit the cues and times to suit you.
#   calfkit validate {path}   checks it
#   calfkit show {name}   previews the steps and the total time
#   calfkit play {name}   plays it
# Every step kind and option is described in the calfkit README and docs/format.md.
# For checking and completion in editors that use yaml-language-server, run once
#   calfkit schema > {schema}
# and make this the file's first line:  # yaml-language-server: $schema=./calfkit.schema.json
calfkit: 1
title: {title}
description: What this routine is for, in a sentence or two.
tags: [calf]
equipment: [a wall]
caution: Keep every stretch mild, and stop if anything hurts.
steps:
  - prepare: Stand facing a wall, about an arm's length away.
    duration: 10s
  - repeat: 2
    rest_between: 5s
    steps:
      - do: Rise slowly onto the balls of your feet.
        duration: 4s
      - count: 10
        cue: Lower your heels, a little with every count.
  - sides: [right, left]
    switch: 5s
    steps:
      - hold: Step your {{side}} foot back and let its heel sink toward the floor.
        duration: 30s
      - breathe: 2
        cue: Breathe slowly and let the {{side}} calf soften.
  - rest: 10s
    cue: Shake your legs out. Well done.
"""


def _check_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from calfkit import library

    if not library.is_name(value):
        raise click.BadParameter(
            f"{value!r} is not a routine name: use lowercase letters, digits and hyphens, "
            f"starting with a letter or digit, at most {library.MAX_NAME_LENGTH} characters "
            "(for example: morning-calves)."
        )
    return value


@click.command(name="new")
@click.argument("name", callback=_check_name)
def command(name: str) -> None:
    """Write a starter routine called NAME into your routines folder and print its path.

    It never overwrites an existing file. Edit it, then `calfkit play NAME`.

    \b
    Example:  calfkit new morning-calves
    """
    from calfkit import library
    from calfkit.errors import CalfkitError

    with errors_to_exit():
        folder = library.user_routines_dir()
        for suffix in library.SUFFIXES:
            existing = folder / f"{name}{suffix}"
            # lexists, not exists(): a dangling link is there too, and a folder name too
            # long for the file system must reach mkdir below for its message.
            if os.path.lexists(existing):
                raise CalfkitError(f"{existing} already exists; edit it, or choose another name")
        path = folder / f"{name}.yaml"
        title = name.replace("-", " ").strip().capitalize() or name
        hidden = [f for f in library.search_path()[1:] if library.in_folder(f.folder, name)]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CalfkitError(f"could not create {folder}: {error.strerror}") from None
        try:
            with open(path, "x", encoding="utf-8") as file:
                schema = folder / "calfkit.schema.json"
                # Quoted: a name such as 123, true, null or 0x1f would otherwise be read back
                # as a number, a boolean or nothing, and the starter would not load.
                quoted = json.dumps(title)
                file.write(STARTER.format(path=path, name=name, title=quoted, schema=schema))
        except FileExistsError:
            raise CalfkitError(f"{path} already exists; edit it, or choose another name") from None
        except OSError as error:
            raise CalfkitError(f"could not write {path}: {error.strerror}") from None
        click.echo(str(path))
        for place in hidden:
            click.echo(
                f"note: it shadows the {place.source.value} routine of the same name "
                f"in {place.folder}",
                err=True,
            )
        click.echo(f"Edit it, then try:  calfkit show {name}   calfkit play {name}", err=True)
