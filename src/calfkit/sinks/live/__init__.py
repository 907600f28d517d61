"""The live view: a full-screen display of the step in progress, made to be read from the
floor, two metres away.

Three jobs, one module each: :mod:`~calfkit.sinks.live.state` folds the player's events into
what the view knows (pure, no drawing); :mod:`~calfkit.sinks.live.compose` says what a frame
shows for that state and :mod:`~calfkit.sinks.live.layout` fits it into the terminal's rows;
:mod:`~calfkit.sinks.live.view` is the sink that ties them to rich's live display.
"""

from __future__ import annotations

from calfkit.sinks.live.view import LiveView

__all__ = ["LiveView"]
