"""``calfkit export ROUTINE --wav FILE``: the whole session's sound track as a WAV file."""

from __future__ import annotations

import click

from calfkit import words
from calfkit.cli.common import errors_to_exit
from calfkit.cli.routine_arg import ROUTINE


@click.command(name="export")
@click.argument("routine", type=ROUTINE)
@click.option(
    "--wav",
    "wav_path",
    required=True,
    type=click.Path(dir_okay=False, writable=False),
    metavar="FILE",
    help="Write the sound track to FILE (16-bit mono WAV, 44.1 kHz).",
)
@click.option(
    "--voice/--no-voice",
    default=False,
    show_default=True,
    help="Speak the cues too (needs espeak-ng).",
)
def command(routine: str, wav_path: str, voice: bool) -> None:
    """Render ROUTINE's whole session (beeps, and spoken cues with --voice) to a WAV file,
    to play on a phone or speaker away from the terminal.

    Every sound starts at the moment the player would play it, after the same 3 s lead-in;
    steps that wait for Enter last 10 s.

    \b
    Example:  calfkit export calf-release --wav calf-release.wav --voice
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from calfkit import library
    from calfkit.export.wav import export_wav
    from calfkit.timeline import compile_routine

    def warn(line: str) -> None:
        click.echo(line, err=True)

    with errors_to_exit():
        timeline = compile_routine(library.load_ref(routine))
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar:
            tasks = {
                "sounds": bar.add_task("Placing sounds", total=None),
                "mixing": bar.add_task("Writing WAV", total=None),
            }

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(tasks[stage], completed=done, total=total)

            exported = export_wav(timeline, wav_path, voice=voice, warn=warn, progress=progress)
    phrases = f", {exported.phrases} spoken phrases" if voice else ""
    length = words.clock(exported.seconds)
    click.echo(f"Wrote {wav_path} ({length}, {exported.sounds} sounds{phrases})")
