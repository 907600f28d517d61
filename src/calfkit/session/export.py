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


def speaker(settings: Settings, language: str) -> Speak | None:
    """The speech engine here for ``language``, at the settings' rate; None if there is none."""
    from calfkit.export.render import Speak
    from calfkit.sound.speech import find_voice

    voice = find_voice(language)
    if voice is None:
        return None
    return Speak(voice, settings.voice_rate)


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
    if settings.voice and fmt.writer().SOUND:
        speak = speaker(settings, timeline.routine.language)
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
