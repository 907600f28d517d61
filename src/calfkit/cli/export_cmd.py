"""``calfkit export ROUTINE FILE``: the session rendered offline, as a sound track (``.wav``,
``.mp3`` with a chapter per step) for a phone or a workout (``.fit``) for a watch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from calfkit import words
from calfkit.cli.common import (
    check_lead_in,
    check_voice_rate,
    errors_to_exit,
    speech_options,
    voice_rate_help,
)
from calfkit.cli.routine_arg import ROUTINE
from calfkit.export.formats import FORMATS, Format, format_for
from calfkit.session.settings import DEFAULTS, Settings
from calfkit.text import shown

if TYPE_CHECKING:
    from rich.progress import TaskID

    from calfkit.export.run import Exported
    from calfkit.timeline import Timeline

# Each format in calfkit.export.formats.FORMATS, in words (tests/cli/test_cli_export.py ties them).
FORMAT_HELP = "wav or mp3 (a sound track), or fit (a watch workout); default: FILE's extension."

STAGE_LABELS = {
    "voice": "Rendering speech",
    "sounds": "Placing sounds",
    "writing": "Writing {name}",
}


def _lead_in(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    return None if value is None else check_lead_in(value)


def size_text(size: int) -> str:
    """ "812 bytes", "3.4 kB", "10.8 MB" (powers of 1000, as file managers show them)."""
    if size < 1000:
        return f"{size} bytes"
    for unit in ("kB", "MB", "GB"):
        size_f = size / 1000
        if size_f < 1000 or unit == "GB":
            return f"{size_f:.1f} {unit}"
        size = round(size_f)
    raise AssertionError("unreachable")


@click.command(name="export")
@click.argument("routine", type=ROUTINE)
@click.argument("file", required=False, type=click.Path(dir_okay=False), metavar="FILE")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),  # the one table, in calfkit.export.formats
    help=FORMAT_HELP,
)
@click.option(
    "--wav",
    "wav_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The same as FILE with --format wav (kept from earlier versions).",
)
@click.option(
    "--voice/--no-voice",
    default=False,
    show_default=True,
    help="Speak the cues in the sound track too (Piper, else espeak-ng, say or Windows' speech).",
)
@click.option(
    "--voice-rate",
    type=int,
    default=None,
    callback=check_voice_rate,
    metavar="WPM",
    help=f"{voice_rate_help('How fast the voice speaks')}  [default: {DEFAULTS.voice_rate}]",
)
@speech_options
@click.option(
    "--lead-in",
    type=float,
    default=None,
    callback=_lead_in,
    metavar="SECONDS",
    help="A get-ready countdown before the first step, as in play; 0 for none.  "
    f"[default: {DEFAULTS.lead_in:g}]",
)
@click.option(
    "--log-events",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also write the session's events to FILE as JSON Lines, in track time.",
)
@click.option("--force", is_flag=True, help="Write over FILE (and the event log) if they exist.")
def command(
    routine: str,
    file: str | None,
    format_name: str | None,
    wav_path: str | None,
    voice: bool,
    voice_rate: int | None,
    spoken: frozenset[str] | None,
    voice_model: str | None,
    lead_in: float | None,
    log_events: str | None,
    force: bool,
) -> None:
    """Render ROUTINE's whole session offline to FILE: a .wav or .mp3 sound track to play on
    a phone beside you (the MP3 has a chapter per step), or a .fit workout for a watch.

    Sounds fall exactly where the player would play them, after the same lead-in; steps that
    wait for Enter last the time show gives them, said after the cue (in a FIT workout they
    wait for the lap button). An existing FILE
    is refused unless --force is given, and the routine's own files are never written.

    \b
    Examples:  calfkit export calf-care calf-care.mp3 --voice
               calfkit export calf-release calf-release.fit
    """
    path, fmt = _target(file, wav_path, format_name)

    def warn(line: str) -> None:
        click.echo(line, err=True)

    timeline = _checked(routine, path, log_events, force=force)
    named = format_for(path)
    if named is not None and named != fmt:
        # Written as asked, but a phone or a watch goes by the name: say so before it misleads
        # (once FILE is known to be written: not before a refusal).
        warn(
            f"note: {shown(path)} is written as a {fmt.name.upper()} {fmt.label}, though its name "
            f"ends {named.extension}"
        )
    with errors_to_exit():
        sound = fmt.writer().SOUND  # an ExportError if its libraries are missing here
    if not sound:
        if voice or voice_rate is not None or lead_in is not None:
            warn(
                f"note: a {fmt.extension} {fmt.label} holds no sound; --voice, "
                "--voice-rate and --lead-in change nothing in it"
            )
    elif not voice and (voice_rate is not None or spoken is not None or voice_model is not None):
        given = [
            name
            for name, value in (
                ("--voice-rate", voice_rate),
                ("--speak", spoken),
                ("--voice-model", voice_model),
            )
            if value is not None
        ]
        verb = "changes" if len(given) == 1 else "change"
        warn(f"note: {' and '.join(given)} {verb} nothing without --voice")
    with errors_to_exit():
        settings = Settings.given(
            voice=voice,
            voice_rate=voice_rate,
            speak=spoken,
            voice_model=voice_model,
            lead_in=lead_in,
            log_events=log_events,
        )
        exported = _export(timeline, path, fmt, settings, warn)
    click.echo(
        f"Wrote {shown(exported.path)} ({fmt.label}, {words.clock(exported.seconds)}, "
        f"{size_text(exported.size)}, {exported.holds})"
    )


def _target(file: str | None, wav_path: str | None, format_name: str | None) -> tuple[str, Format]:
    """The file to write and its format, from FILE or ``--wav`` and ``--format``."""
    if file is not None and wav_path is not None:
        raise click.UsageError("give FILE or --wav FILE, not both")
    path = file if file is not None else wav_path
    if path is None:
        raise click.UsageError("Missing argument 'FILE'.")
    if wav_path is not None and format_name is None:
        format_name = "wav"
    fmt = FORMATS[format_name] if format_name is not None else format_for(path)
    if fmt is None:
        *others, last = (f.extension for f in FORMATS.values())
        raise click.UsageError(
            f"cannot tell the format of {path!r} from its name: end it in "
            f"{', '.join(others)} or {last}, or give --format"
        )
    return path, fmt


def _checked(routine: str, path: str, log_events: str | None, *, force: bool) -> Timeline:
    """The routine compiled, once FILE and the event log are known to be safe to write."""
    from calfkit import library
    from calfkit.cli.outputs import check_output, routine_files
    from calfkit.timeline import compile_routine

    with errors_to_exit():
        loaded = library.load_ref(routine)
        timeline = compile_routine(loaded)
        reading = routine_files(loaded)
        check_output(path, reading=reading, force=force)
        if log_events is not None:
            check_output(
                log_events,
                reading=[*reading, (path, "it is the export's FILE")],
                force=force,
                option="--log-events",
            )
    return timeline


def _export(
    timeline: Timeline,
    path: str,
    fmt: Format,
    settings: Settings,
    warn: Callable[[str], None],
) -> Exported:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from calfkit.session.export import export

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = STAGE_LABELS[stage].format(name=fmt.name.upper())
                tasks[stage] = bar.add_task(label, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return export(timeline, path, fmt, settings, warn=warn, progress=progress)
