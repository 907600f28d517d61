"""A session rendered to a file (``calfkit export``) from the same
:class:`~calfkit.session.settings.Settings` as one played: its lead-in and its voice."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from calfkit.session.settings import Settings

if TYPE_CHECKING:
    from calfkit.export.formats import Format
    from calfkit.export.render import Speak
    from calfkit.export.run import Exported, Stages
    from calfkit.timeline import Timeline

__all__ = ["export", "speaker"]


def speaker(
    settings: Settings, language: str, warn: Callable[[str], None] | None = None
) -> Speak | None:
    """The voice here for ``language`` (Piper, else the system's), at the settings' rate and
    saying what they ask; None if there is none. ``warn`` hears why Piper was passed over."""
    from calfkit.export.render import Speak
    from calfkit.sound.speech import pick_voice

    voice, notes = pick_voice(language, settings.voice_model)
    for note in notes:
        if warn is not None:
            warn(note)
    if voice is None:
        return None
    return Speak(voice, settings.voice_rate, settings.speak)


def export(
    timeline: Timeline,
    path: str,
    fmt: Format,
    settings: Settings,
    *,
    warn: Callable[[str], None],
    progress: Stages | None = None,
) -> Exported:
    """Render ``timeline``'s session to ``path`` as ``fmt``, with the event log
    (``settings.log_events``) beside it if asked. ``warn`` is told when the voice asked for
    cannot be had here (the file then has beeps only)."""
    from calfkit.export.run import export as write
    from calfkit.terminal.mode import terminate_raises

    speak: Speak | None = None
    if fmt.writer().SOUND:
        from calfkit.export.medium import for_track

        # No Enter in a track: a ready step is a timed wait, its time said after its cue.
        timeline = for_track(timeline)
    if settings.voice and fmt.writer().SOUND:
        speak = speaker(settings, timeline.routine.language, warn)
        if speak is None:
            from calfkit.sound.speech import install_hint

            # What to install for this system (espeak-ng, `say`, Windows' speech).
            warn(f"{install_hint()}; the file has beeps only")
    # SIGTERM, SIGQUIT and SIGHUP raise, as Ctrl-C does, so the temporary files beside FILE
    # are removed (they were left as hidden ".FILE.*.part" files) and the exit is 143, 131 or
    # 129.
    with terminate_raises():
        return write(
            timeline,
            path,
            fmt,
            lead_in=settings.lead_in,
            speak=speak,
            log_events=settings.log_events,
            progress=progress,
        )
