"""``calfkit new NAME``: write a starter routine into the user's routines folder."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import tempfile
from pathlib import Path

import click

from calfkit.cli.common import errors_to_exit
from calfkit.text import shown

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
                raise CalfkitError(
                    f"{shown(existing)} already exists; edit it, or choose another name"
                )
        path = folder / f"{name}.yaml"
        title = name.replace("-", " ").strip().capitalize() or name
        hidden = [f for f in library.search_path()[1:] if library.in_folder(f.folder, name)]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CalfkitError(f"could not create {shown(folder)}: {error.strerror}") from None
        # Quoted: a name such as 123, true, null or 0x1f would otherwise be read back as a
        # number, a boolean or nothing, and the starter would not load. The paths in its
        # comments are shown as messages show them: a folder named with an escape sequence
        # (or with bytes that are not UTF-8) must not make the starter invalid YAML.
        text = STARTER.format(
            path=shlex.quote(shown(path)),
            name=name,
            title=json.dumps(title),
            schema=shlex.quote(shown(folder / "calfkit.schema.json")),
        )
        _write_new(path, text)
        click.echo(shown(path))
        for place in hidden:
            click.echo(
                f"note: it shadows the {place.source.value} routine of the same name "
                f"in {shown(place.folder)}",
                err=True,
            )
        click.echo(f"Edit it, then try:  calfkit show {name}   calfkit play {name}", err=True)


def _write_new(path: Path, text: str) -> None:
    """Write ``path``, which must not exist, whole or not at all.

    The text goes into a temporary file beside it, which is linked to ``path`` only once it
    is complete: a full disk leaves no empty or half starter (which ``new`` would then call
    "already exists" and ``list`` invalid), and a file that appeared meanwhile is never
    replaced (a link, unlike a rename, will not overwrite).
    """
    from calfkit.errors import CalfkitError

    exists = CalfkitError(f"{shown(path)} already exists; edit it, or choose another name")
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise CalfkitError(f"could not write {shown(path)}: {error.strerror}") from None
    try:
        with open(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600, made a new file's usual mode
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise exists from None
        except OSError:
            # A file system without hard links: a rename, after a last look (it would replace).
            if os.path.lexists(path):
                raise exists from None
            os.rename(temporary, path)
    except OSError as error:
        raise CalfkitError(f"could not write {shown(path)}: {error.strerror}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
