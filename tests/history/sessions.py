"""Sessions for the practice log's tests: hand-made timelines and events, and whole sessions
recorded through the real sink, so the store, the queries and the sink are tested on rows
calfkit itself wrote."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from calfkit.history import Ending
from calfkit.model import Do, Routine
from calfkit.player.events import Event, EventKind
from calfkit.sinks.history import HistorySink
from calfkit.timeline import Segment, SegmentKind, Timeline


def make_timeline(name: str = "calf-release", steps: int = 4, seconds: float = 30.0) -> Timeline:
    routine = Routine(
        name=name,
        title=name.replace("-", " ").title(),
        steps=tuple(Do(text=f"Move {i}", duration=seconds) for i in range(1, steps + 1)),
        content_hash=f"hash-of-{name}",
    )
    segments = tuple(
        Segment(
            index=i,
            top=i,
            kind=SegmentKind.DO,
            text=f"Move {i}",
            start=(i - 1) * seconds,
            duration=seconds,
        )
        for i in range(1, steps + 1)
    )
    return Timeline(routine=routine, segments=segments)


def ev(kind: EventKind, at: float, step: int = 0, **extra: object) -> Event:
    """A hand-made event; unless told otherwise, all of ``at`` was played (no lead-in, no
    pause), as the player would say of such a session."""
    extra.setdefault("played", at)
    segment = extra.get("segment")
    if isinstance(segment, Segment):
        extra.setdefault("top_step", segment.top)
    return Event(kind=kind, scheduled=at, actual=at, wall=1_700_000_000 + at, step=step, **extra)  # type: ignore[arg-type]


def step_events(timeline: Timeline, lead_in: float = 0.0, upto: int | None = None) -> list[Event]:
    segments = timeline.segments[: upto if upto is not None else len(timeline.segments)]
    return [
        ev(EventKind.STEP, lead_in + s.start, step=s.index, segment=s, text=s.text, played=s.start)
        for s in segments
    ]


class Warnings:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)


def rows(path: Path) -> list[sqlite3.Row]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    finally:
        connection.close()


def record(
    path: Path,
    at: datetime,
    routine: str = "calf-release",
    ending: Ending = Ending.FINISHED,
    played: float = 120.0,
    speed: float = 1.0,
) -> None:
    """One whole session, driven through the sink, started at ``at``."""
    timeline = make_timeline(routine, steps=4, seconds=played / 4)
    sink = HistorySink("bell", False, Warnings(), path=path, now=lambda: at, speed=speed)
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline, upto=2):
        sink.handle(event)
    if ending is Ending.FINISHED:
        for event in step_events(timeline)[2:]:
            sink.handle(event)
        sink.handle(ev(EventKind.FINISH, played, step=4))
    elif ending is Ending.STOPPED:
        sink.handle(ev(EventKind.STOP, played / 2, step=2, text="quit"))
    sink.close()


def play_through(sink: HistorySink, timeline: Timeline) -> None:
    sink.handle(ev(EventKind.START, 0.0, timeline=timeline))
    for event in step_events(timeline):
        sink.handle(event)
    sink.handle(ev(EventKind.PAUSE, 1.0, step=4))
    sink.handle(ev(EventKind.RESUME, 2.0, step=4))
    sink.handle(ev(EventKind.FINISH, 121.0, step=4))
    sink.close()
