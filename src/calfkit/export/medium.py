"""What a sound track says that the screen says with keys: a ``duration: ready`` step, which
waits for Enter live, is a timed wait in a track, announced after its cue ("You have 20
seconds.") so that a listener knows how long they have to do what it asks."""

from __future__ import annotations

from dataclasses import replace

from calfkit.timeline import Timeline
from calfkit.words import ready_announcement

__all__ = ["for_track"]


def for_track(timeline: Timeline) -> Timeline:
    """``timeline`` as a track plays it: each ready step's cue announces its time."""
    if not any(segment.until_ready for segment in timeline.segments):
        return timeline
    segments = tuple(
        replace(segment, text=ready_announcement(segment.text, segment.duration))
        if segment.until_ready
        else segment
        for segment in timeline.segments
    )
    return Timeline(timeline.routine, segments)
