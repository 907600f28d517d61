"""Plays tests/audio/routines/long-cue.yaml with voice through ``--sound CHOICE`` and presses
``m`` at 1 s (while the first cue is being spoken) and again at 2 s, then ``q`` at 4.8 s.

Run in its own process with ALSA pointed at a fake card (ALSA reads its configuration once
per process). Prints a JSON object: the Unix time of the mute and the unmute, and any
warning lines.

Usage: mute_midway.py CHOICE
"""

import json
import sys
import time
from pathlib import Path

from calfkit.library import load
from calfkit.player.clock import MonotonicClock
from calfkit.player.engine import Player
from calfkit.player.events import Command, Event, EventKind
from calfkit.session.outputs import build_sinks
from calfkit.session.settings import Settings
from calfkit.testing import ScriptedControls
from calfkit.timeline import compile_routine

ROUTINE = Path(__file__).parent / "routines" / "long-cue.yaml"
KEYS = [(1.0, Command.MUTE), (2.0, Command.MUTE), (4.8, Command.QUIT)]


class Walls:
    """Notes the Unix time of each mute and unmute."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    def handle(self, event: Event) -> None:
        if event.kind in (EventKind.MUTE, EventKind.UNMUTE):
            self.at[event.kind.value] = event.wall

    def close(self) -> None:
        pass


warnings: list[str] = []
walls = Walls()
timeline = compile_routine(load(ROUTINE))
clock = MonotonicClock()
settings = Settings(sound=sys.argv[1], voice=True, lead_in=0)
sinks = build_sinks(settings, warnings.append, timeline=timeline, clock=clock)
controls = ScriptedControls(KEYS, origin=time.monotonic())
Player(timeline, clock=clock, sinks=[walls, *sinks], controls=controls, lead_in=0).run()
print(json.dumps({**walls.at, "warnings": warnings}))
