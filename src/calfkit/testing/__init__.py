"""Helpers for testing anything built on the player, shipped with calfkit (and never imported
by it).

:func:`play_fast` plays a timeline on a :class:`FakeClock` (which lives with the other clocks,
in :mod:`calfkit.player.clock`) with keys from :class:`ScriptedControls`, and a
:class:`RecordingSink` keeps every event (:mod:`calfkit.testing.play`). :class:`FakeCard` is a
sound card that writes what it is sent to files, with helpers that find and name the sounds in
them (:mod:`calfkit.testing.card`).
"""

from __future__ import annotations

from calfkit.player.clock import FakeClock
from calfkit.testing.card import FakeCard
from calfkit.testing.play import Played, RecordingSink, ScriptedControls, play_fast

__all__ = [
    "FakeCard",
    "FakeClock",
    "Played",
    "RecordingSink",
    "ScriptedControls",
    "play_fast",
]
