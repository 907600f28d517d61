"""What a ready step says that the screen says with keys, per medium. A ``duration: ready``
step waits for Enter live, and the voice says so after its cue ("Press Enter when you are
ready."); in a track, or a session with no keys to read, it is a timed wait whose time is said
after its cue ("You have 20 seconds.") so that a listener knows how long they have to do what
it asks. A preview of the step says its cue alone. On a watch it is an open step
(:mod:`calfkit.export.fit`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from calfkit.timeline import Segment, Timeline
from calfkit.words import PRESS_ENTER, time_given

__all__ = ["for_live", "for_track"]


def for_track(timeline: Timeline, speed: float = 1.0) -> Timeline:
    """``timeline`` as a track plays it: each ready step's cue is followed by its time (in
    real seconds, for a session played ``speed`` times faster)."""
    if speed == 1.0:
        return _said_after_ready(timeline, lambda segment: time_given(segment.duration))
    return _said_after_ready(
        timeline, lambda segment: time_given(max(1, round(segment.duration / speed)))
    )


def for_live(timeline: Timeline) -> Timeline:
    """``timeline`` as the voice says it live, with keys: each ready step's cue is followed by
    how to go on (the view shows the same words under the cue)."""
    return _said_after_ready(timeline, lambda segment: PRESS_ENTER)


def _said_after_ready(timeline: Timeline, say: Callable[[Segment], str]) -> Timeline:
    if not any(segment.until_ready for segment in timeline.segments):
        return timeline
    segments = tuple(
        replace(segment, said_after=say(segment)) if segment.until_ready else segment
        for segment in timeline.segments
    )
    return Timeline(timeline.routine, segments)
