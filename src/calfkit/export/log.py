"""``export --log-events FILE``: the rendered session's events as JSON Lines, in routine time.

The same objects as ``play --log-events`` (:class:`calfkit.sinks.eventlog.EventLogSink`),
with ``scheduled`` and ``actual`` in seconds of the exported track (the same, since nothing
runs late offline); each phrase placed in the track is a ``speak`` event with its ``text``,
the ``step`` it answers and its spoken length in ``seconds``.
"""

from __future__ import annotations

from calfkit.export.render import Placed, Render
from calfkit.sinks.eventlog import EventLogSink

__all__ = ["write_event_log"]


def write_event_log(render: Render, path: str) -> None:
    """Write every event of ``render`` (and a ``speak`` event per phrase) to ``path``."""
    phrases = sorted((p for p in render.placed if p.is_phrase), key=lambda p: p.at)
    sink = EventLogSink(path)
    try:
        wall = render.events[0].wall if render.events else 0.0
        next_phrase = 0
        for event in render.events:
            # A phrase is logged after the events up to its moment.
            while (
                next_phrase < len(phrases)
                and phrases[next_phrase].at / render.rate < event.scheduled
            ):
                sink.write_record(_speak(phrases[next_phrase], render.rate, wall))
                next_phrase += 1
            sink.handle(event)
            wall = event.wall
        for phrase in phrases[next_phrase:]:
            sink.write_record(_speak(phrase, render.rate, wall))
    finally:
        sink.close()


def _speak(phrase: Placed, rate: int, wall: float) -> dict[str, object]:
    at = round(phrase.at / rate, 6)
    return {
        "event": "speak",
        "step": phrase.step,
        "scheduled": at,
        "actual": at,
        "wall": round(wall, 6),
        "text": phrase.text,
        "seconds": round(phrase.length / rate, 6),
    }
