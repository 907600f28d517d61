"""One export, start to end: render the session once, write it in the chosen format, and the
event log beside it if asked, each through a temporary file (:mod:`calfkit.export.target`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from calfkit.export.formats import Format
from calfkit.export.log import write_event_log
from calfkit.export.render import Progress, Speak, render_session
from calfkit.export.target import replacing
from calfkit.player.pace import LEAD_IN_SECONDS
from calfkit.timeline import Timeline

__all__ = ["Exported", "export"]

Stages = Callable[[str, int, int], None]
"""Told (stage, done, total): stage is "voice" (rendering the phrases), "sounds" (placing
them) or "writing"."""


@dataclass(frozen=True)
class Exported:
    """What was written: where, how long it lasts, how big it is, what it holds."""

    path: str
    format: Format
    seconds: float
    size: int
    holds: str


def export(
    timeline: Timeline,
    path: str,
    fmt: Format,
    *,
    lead_in: float = LEAD_IN_SECONDS,
    speak: Speak | None = None,
    log_events: str | None = None,
    progress: Stages | None = None,
) -> Exported:
    """Render ``timeline``'s session and write it to ``path`` as ``fmt``."""

    def stage(name: str) -> Progress | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    writer = fmt.writer()
    with contextlib.ExitStack() as stack:
        # Both temporary files exist before anything is rendered: a folder that cannot be
        # written to is found at once, and a failure leaves neither file behind.
        temporary = stack.enter_context(replacing(path))
        log_temporary = stack.enter_context(replacing(log_events)) if log_events else None
        render = render_session(
            timeline,
            lead_in=lead_in,
            speak=speak,
            sound=writer.SOUND,
            progress=stage("sounds"),
            voice_progress=stage("voice"),
        )
        holds = writer.write(render, temporary, progress=stage("writing"))
        if log_temporary is not None:
            write_event_log(render, log_temporary)
    seconds = render.seconds if writer.SOUND else timeline.total
    return Exported(path, fmt, seconds, os.path.getsize(path), holds)
