"""The player: walks a timeline on an injected clock and tells its sinks what happens.

Every wait is on an absolute deadline worked out from one anchor (a clock time and the
routine offset that plays at it), so error never accumulates however long a routine runs.
The anchor moves only when a person changes the plan: a pause shifts it by exactly the paused
time, ``+`` lengthens the step in progress, skipping and going back re-anchor at "now", and a
``duration: ready`` step re-anchors when Enter is pressed. Nothing here prints, plays or
reads keys: commands come from a :class:`~calfkit.player.events.Controls` and events go to sinks.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from calfkit import words
from calfkit.model import MAX_EVENTS, MAX_STEP_SECONDS
from calfkit.player.clock import Clock
from calfkit.player.events import (
    STOP_REASONS,
    Command,
    Controls,
    Event,
    EventKind,
    Fanout,
    Outcome,
    Sink,
    Status,
)
from calfkit.player.pace import LEAD_IN_SECONDS, Pace
from calfkit.timeline import Segment, SegmentKind, Tick, TickKind, Timeline, counted

EXTEND_SECONDS = 10.0  # what one ``+`` adds at least, in routine seconds
GATE_POLL_SECONDS = 0.05  # how often a lead-in held by its gate asks again
PREPARE_POLL_SECONDS = 0.1  # how often the player asks its gate before the lead-in
BACK_AGAIN_SECONDS = 2.0  # ``b`` this soon after a step began goes to the step before


@dataclass(frozen=True)
class _Planned:
    """An event due at routine offset ``at`` (absolute in the timeline), or, for a hold's
    countdown (``from_end``), ``number`` seconds before the step's end wherever ``+`` has
    moved that end. A count's or breath's ``of`` is the step's own number, before ``+``."""

    at: float
    kind: EventKind
    number: int | None = None
    of: int | None = None
    phase: str | None = None
    from_end: bool = False


_TICK_EVENTS = {
    TickKind.COUNT: (EventKind.COUNT, None),
    TickKind.COUNTDOWN: (EventKind.COUNTDOWN, None),
    TickKind.INHALE: (EventKind.BREATH, "inhale"),
    TickKind.EXHALE: (EventKind.BREATH, "exhale"),
    TickKind.DOWN: (EventKind.DOWN, None),
}


# ``+`` lengthens a step up to the longest a routine may make one (2 hours), and no further:
# past that a key would only pile more work on the player for a step nobody plays through.
MAX_EXTENDED_SECONDS = float(MAX_STEP_SECONDS)


def extension(segment: Segment) -> tuple[float, int]:
    """What one ``+`` adds to ``segment``: (routine seconds, counts or breaths).

    A count gets as many more counts, a reps step as many more reps, and a breathing step as
    many more breaths, as make at least :data:`EXTEND_SECONDS`, in its own rhythm (so nothing
    sits still at "4 / 4"); any other step gets :data:`EXTEND_SECONDS` more.
    """
    units = segment.ticks[0].of if segment.ticks else 0
    if counted(segment.kind) is None or units <= 0 or segment.duration <= 0:
        return EXTEND_SECONDS, 0
    period = segment.duration / units
    more = max(1, math.ceil(EXTEND_SECONDS / period - 1e-9))
    return more * period, more


def _planned(segment: Segment, tick: Tick, shift: float = 0.0, number: int = 0) -> _Planned:
    kind, phase = _TICK_EVENTS[tick.kind]
    if tick.kind is TickKind.COUNTDOWN:
        return _Planned(segment.end, kind, tick.number, tick.of, phase, from_end=True)
    at = segment.start + tick.offset + shift
    return _Planned(at, kind, number or tick.number, tick.of, phase)


def _plan_segment(segment: Segment) -> list[_Planned]:
    """The cues inside ``segment`` (counts, breaths, a hold's countdown), in firing order.

    The whole seconds a TICK marks are not listed: the player works each out as it comes, so
    that ``+`` costs the same however long the step has grown.
    """
    return [_planned(segment, tick) for tick in sorted(segment.ticks, key=lambda t: t.offset)]


def _more_ticks(segment: Segment, added: int, more: int) -> list[_Planned]:
    """The cues of ``more`` counts or breaths after the ``added`` that ``+`` already gave."""
    units = segment.ticks[0].of
    period = segment.duration / units
    first = [tick for tick in segment.ticks if tick.number == 1]
    return [
        _planned(segment, tick, unit * period, unit + 1)
        for unit in range(units + added, units + added + more)
        for tick in first
    ]


def _events_after(segment: Segment, added: int) -> int:
    """The timed events of ``segment`` once ``+`` has added ``added`` counts, reps or breaths
    (each as many events as its first: a rep's start and its ``down``)."""
    units = segment.ticks[0].of
    each = sum(1 for tick in segment.ticks if tick.number == 1)
    return (units + added) * each


class Player:
    """Plays a timeline: ``Player(timeline, clock=..., sinks=[...]).run()``.

    ``speed`` divides routine seconds (2.0 plays twice as fast); ``start_top`` is the
    1-based top-level step to begin at (``play --from``), and ``start_step``, when given, the
    timed (flat) step to begin at instead (``play --resume``); ``lead_in`` is a get-ready
    countdown in routine seconds; ``keys_interactive`` says whether a person can press
    Enter, so that ``duration: ready`` steps wait for it (otherwise they last their time);
    ``lead_in_gate``, when given, must say True before the lead-in begins (it waits for the
    speech plan): until it does, the player waits after START, telling ``gate_progress``'s
    (done, total) as PREPARING events and taking ``q`` (nothing else), and the lead-in then
    plays whole.

    Commands: PAUSE toggles; while paused nothing fires, and resuming shifts every remaining
    deadline by the paused time. NEXT leaves the step in progress (or the lead-in) and starts
    the next one now; after the last, the session finishes. BACK starts the step in progress
    again now, or the one before when the step began less than 2 s ago (clock seconds, pauses
    excluded). EXTEND adds 10 routine seconds to the step in progress (a hold's countdown moves
    to its new end); on a count or breathing step, as many more counts or breaths as make at
    least 10 s (:func:`extension`). ENTER ends a ready step that is waiting. NEXT, BACK and
    ENTER resume a paused session first; EXTEND and MUTE do not. A key that arrives at the
    same instant as a deadline acts after that deadline's events.
    """

    def __init__(
        self,
        timeline: Timeline,
        *,
        clock: Clock,
        sinks: Iterable[Sink],
        controls: Controls | None = None,
        speed: float = 1.0,
        start_top: int = 1,
        lead_in: float = LEAD_IN_SECONDS,
        keys_interactive: bool = False,
        lead_in_gate: Callable[[], bool] | None = None,
        gate_progress: Callable[[], tuple[int, int]] | None = None,
        start_step: int | None = None,
    ) -> None:
        self.pace = Pace(float(speed))  # ValueError for a speed it refuses
        if not (math.isfinite(lead_in) and lead_in >= 0):
            raise ValueError(f"lead-in must be zero or more seconds, not {lead_in}")
        if keys_interactive and controls is None:
            raise ValueError("keys_interactive needs controls to read Enter from")
        tops = len(timeline.routine.steps)
        if timeline.segments and not 1 <= start_top <= tops:
            raise ValueError(f"start step must be between 1 and {tops}, not {start_top}")
        self.timeline = timeline
        self.clock = clock
        self.sinks = tuple(sinks)
        self._fanout = Fanout(self.sinks)
        self.controls = controls
        self.speed = float(speed)
        self.lead_in = float(lead_in)
        self.keys_interactive = keys_interactive
        # Asked when the lead-in would end: False holds it a little longer (speech not ready).
        self.lead_in_gate = lead_in_gate
        self.gate_progress = gate_progress
        self.start_top = start_top
        self.outcome: Outcome | None = None  # set when run() ends, also when it raises
        self.muted = False

        self._segments = timeline.segments
        if start_step is not None:
            # A flat step (``play --resume``): mid-round, mid-side, where a session stopped.
            if not 1 <= start_step <= len(self._segments):
                raise ValueError(f"start step must be a timed step, not {start_step}")
            self.start_top = self._segments[start_step - 1].top
        self._first = next(
            (
                i
                for i, seg in enumerate(self._segments)
                if (seg.index >= start_step if start_step is not None else seg.top >= start_top)
            ),
            len(self._segments),
        )
        self._origin = 0.0
        self._anchor = 0.0  # a clock time ...
        self._anchor_at = 0.0  # ... and the routine offset that plays at it
        self._pos = -1  # index into segments; -1 during the lead-in
        self._extra = 0.0
        self._added = 0  # counts or breaths ``+`` added to the step in progress
        self._refused = False  # a ``+`` past the longest a step may be was turned down
        self._plan: list[_Planned] = []
        self._cursor = 0
        self._second = 1  # the next whole second of the step a TICK marks
        self._ticking = False  # False in the lead-in and while a ready step waits
        self._end_at = 0.0  # routine offset where the current phase ends (before ``extra``)
        self._paused_clock: float | None = None
        self._paused_total = 0.0
        self._lead_in_played: float | None = None  # set when the first step begins
        self._waiting = False
        self._finished = False
        self._done: set[int] = set()
        self._skipped: set[int] = set()
        self._where: dict[int, str] = {}  # block paths worked out so far, by segment index

    # -- running -------------------------------------------------------------------------

    def run(self) -> Outcome:
        """Play to the end or until stopped; always closes every sink.

        On Ctrl-C, a SystemExit from a signal handler or any other exception, the sinks get a
        STOP event ("interrupted", "terminated", "error"), are closed, and the exception
        propagates; :attr:`outcome` is set either way.
        """
        self._origin = self.clock.now()
        failed = True
        try:
            # Every sink's slow work happens now, before the clock starts: none may make a
            # deadline late (a sink that fails here stops the session before it began).
            self._fanout.prepare(self.timeline)
            self._origin = self.clock.now()
            self._play()
            failed = False
        except KeyboardInterrupt:
            self._stop(Status.INTERRUPTED, forgiving=True)
            raise
        except SystemExit:
            self._stop(Status.TERMINATED, forgiving=True)
            raise
        except BaseException:
            self._stop(Status.ERROR, forgiving=True)
            raise
        finally:
            self._fanout.close(forgiving=failed)
        assert self.outcome is not None  # the FINISH or STOP that ended the session set it
        return self.outcome

    def _play(self) -> None:
        if self._first < len(self._segments):
            # Anchored before START is told, so its ``ends_at`` is already right.
            self._anchor = self._origin + self.pace.clock_seconds(self.lead_in)
            self._anchor_at = self._segments[self._first].start
        self._emit(EventKind.START, self._origin, timeline=self.timeline)
        if self._first >= len(self._segments):
            self._finish(self._origin)
            return
        if not self._await_gate():
            return
        first = self._segments[self._first]
        if self.lead_in > 0:
            self._begin_lead_in(first)
        else:
            self._enter(self._first, self._anchor)
        while not self._finished:
            if self._paused_clock is not None or self._waiting:
                command = self._wait(None)
            else:
                due = self._deadline(self._next_at())
                if self.clock.now() >= due:
                    self._fire_next(due)
                    continue
                command = self._wait(due)
                if command is None:
                    continue
                self._catch_up()
                if self._finished:
                    break
            if command is not None and self._handle(command):
                return

    def _await_gate(self) -> bool:
        """Wait for the gate before the lead-in, telling how far it has got; False when ``q``
        stopped the session meanwhile. The lead-in then begins when the gate opens."""
        gate = self.lead_in_gate
        if gate is None or gate():
            return True
        told: tuple[int, int] | None = None
        while not gate():
            progress = self.gate_progress() if self.gate_progress is not None else None
            if progress is not None and progress[1] > 0 and progress != told:
                told = progress
                self._emit(EventKind.PREPARING, self.clock.now(), number=told[0], of=told[1])
            command = self._wait(self.clock.now() + PREPARE_POLL_SECONDS)
            if command is Command.QUIT:
                self._stop(Status.STOPPED)
                return False
        self._anchor = self.clock.now() + self.pace.clock_seconds(self.lead_in)
        return True

    def _begin_lead_in(self, first: Segment) -> None:
        self._pos = -1
        seconds = math.ceil(self.lead_in)
        self._plan = [
            _Planned(max(first.start - k, first.start - self.lead_in), EventKind.LEAD_IN, k)
            for k in range(seconds, 0, -1)
        ]
        self._cursor = 0
        self._ticking = False
        self._end_at = first.start
        self._extra = 0.0
        self._added = 0

    def _enter(self, index: int, when: float) -> None:
        """Begin segment ``index`` at clock time ``when`` (already on the anchor's plan)."""
        segment = self._segments[index]
        if self._lead_in_played is None:
            self._lead_in_played = self._played_all(self.clock.now())
        self._pos = index
        self._extra = 0.0
        self._added = 0
        self._refused = False
        self._waiting = segment.until_ready and self.keys_interactive
        self._plan = [] if self._waiting else _plan_segment(segment)
        self._cursor = 0
        self._second = 1
        self._ticking = not self._waiting
        self._end_at = segment.end
        kind = EventKind.SWITCH if segment.kind is SegmentKind.SWITCH else EventKind.STEP
        self._emit(kind, when, text=segment.text)
        if self._waiting:
            self._emit(EventKind.WAITING, when, text=segment.text)

    def _enter_now(self, index: int) -> None:
        """Begin segment ``index`` now: the plan from here on is re-anchored at this moment."""
        now = self.clock.now()
        self._anchor = now
        self._anchor_at = self._segments[index].start
        self._enter(index, now)

    def _at(self, planned: _Planned) -> float:
        """Where ``planned`` falls now, in routine seconds (a countdown follows the end)."""
        if planned.from_end:
            return self._end_at + self._extra - (planned.number or 0)
        return planned.at

    def _tick_due(self) -> float | None:
        """The routine offset of the next whole-second TICK in the step, if one is to come."""
        if not self._ticking:
            return None
        segment = self._segments[self._pos]
        if self._second >= math.ceil(segment.duration + self._extra):
            return None
        return segment.start + self._second

    def _next_at(self) -> float:
        tick = self._tick_due()
        if self._cursor < len(self._plan):
            cue = self._at(self._plan[self._cursor])
            # Cues before redraws at the same moment, so a beep never waits behind a repaint.
            return cue if tick is None or cue <= tick else tick
        return tick if tick is not None else self._end_at + self._extra

    def _deadline(self, at: float) -> float:
        return self._anchor + self.pace.clock_seconds(at - self._anchor_at)

    def _fire_next(self, due: float) -> None:
        tick = self._tick_due()
        if self._cursor < len(self._plan) and (
            tick is None or self._at(self._plan[self._cursor]) <= tick
        ):
            planned = self._plan[self._cursor]
            self._cursor += 1
            of = planned.of
            if of is not None and planned.kind in (EventKind.COUNT, EventKind.BREATH):
                of += self._added
            self._emit(planned.kind, due, number=planned.number, of=of, phase=planned.phase)
            return
        if tick is not None:
            length = self._segments[self._pos].duration + self._extra
            left = math.ceil(length - self._second)
            self._second += 1
            self._emit(EventKind.TICK, due, number=left)
            return
        if self._pos < 0:
            if self.lead_in_gate is not None and not self.lead_in_gate():
                # Held: everything from the first step on moves later, as a pause would.
                self._anchor += GATE_POLL_SECONDS
                return
            self._enter(self._first, due)
            return
        self._done.add(self._pos)
        self._skipped.discard(self._pos)
        if self._extra:
            # Later segments move by the extension: re-anchor at the end that just came.
            self._anchor = due
            self._anchor_at = self._segments[self._pos].end
        self._advance(due)

    def _advance(self, when: float) -> None:
        """Go on to the segment after the current one, or finish."""
        if self._pos + 1 >= len(self._segments):
            self._finish(when)
        else:
            self._enter(self._pos + 1, when)

    def _finish(self, when: float) -> None:
        self._finished = True
        self._emit(EventKind.FINISH, when, outcome=self._conclude(Status.FINISHED))

    def _catch_up(self) -> None:
        """Fire everything that fell due while a command was arriving."""
        while not self._finished and self._paused_clock is None and not self._waiting:
            due = self._deadline(self._next_at())
            if self.clock.now() < due:
                return
            self._fire_next(due)

    def _wait(self, deadline: float | None) -> Command | None:
        if self.controls is not None:
            return self.controls.wait(self.clock, deadline)
        if deadline is None:
            raise RuntimeError("nothing to wait for: no controls and no deadline")
        self.clock.sleep_until(deadline)
        return None

    # -- commands ------------------------------------------------------------------------

    def _handle(self, command: Command) -> bool:
        """Act on a command; True when it stops the session."""
        now = self.clock.now()
        if command is Command.QUIT:
            self._stop(Status.STOPPED)
            return True
        if command is Command.MUTE:
            self.muted = not self.muted
            self._emit(EventKind.MUTE if self.muted else EventKind.UNMUTE, now)
        elif command is Command.PAUSE:
            if self._paused_clock is None:
                self._paused_clock = now
                self._emit(EventKind.PAUSE, now)
            else:
                self._resume(now)
        elif command is Command.EXTEND:
            self._extend(now)
        elif command is Command.NEXT:
            self._resume(now)
            self._skip(now)
        elif command is Command.BACK:
            if self._pos >= 0:
                self._resume(now)
                self._back(now)
        elif command is Command.ENTER and self._waiting:
            self._resume(now)
            self._waiting = False
            self._emit(EventKind.READY, now)
            self._done.add(self._pos)
            self._skipped.discard(self._pos)
            self._go_on_now()
        return False

    def _resume(self, now: float) -> None:
        if self._paused_clock is None:
            return
        paused = now - self._paused_clock
        self._anchor += paused
        self._paused_total += paused
        self._paused_clock = None
        self._emit(EventKind.RESUME, now)

    def _extend(self, now: float) -> None:
        if self._pos < 0 or self._waiting:
            return
        segment = self._segments[self._pos]
        seconds, more = extension(segment)
        refusal = None
        if segment.duration + self._extra + seconds > MAX_EXTENDED_SECONDS + 1e-9:
            refusal = f"a step lasts {words.length(MAX_EXTENDED_SECONDS)} at most"
        elif more and _events_after(segment, self._added + more) > MAX_EVENTS:
            # Very fast counts: 2 h of them would be millions of cues held in memory.
            refusal = f"a step has {MAX_EVENTS:,} timed events at most"
        if refusal is not None:
            # Said once a step: a held-down key must not redraw (or log) for every repeat.
            if not self._refused:
                self._refused = True
                self._emit(EventKind.WARNING, now, text=f"+ adds no more: {refusal}")
            return
        self._extra += seconds
        if more:
            self._plan.extend(_more_ticks(segment, self._added, more))
            self._added += more
        # A countdown moved with the end, and plays again; what lies before "now" (the moment
        # of pausing, if paused) has had its turn. The cues stay in order, so a search finds it.
        reference = self._paused_clock if self._paused_clock is not None else now
        self._cursor = bisect_right(
            self._plan, reference, key=lambda planned: self._deadline(self._at(planned))
        )
        # ``number``: whole seconds added; on a count or breathing step ``of`` is its new
        # number of counts or breaths, and ``text`` says how many more ("3 more breaths").
        of: int | None = None
        text: str | None = None
        if more:
            of = segment.ticks[0].of + self._added
            unit = counted(segment.kind) or "second"
            text = f"{more} more {unit}{'' if more == 1 else 's'}"
        self._emit(EventKind.EXTEND, now, number=round(seconds), of=of, text=text)

    def _skip(self, now: float) -> None:
        self._emit(EventKind.SKIP, now)
        if self._pos < 0:
            self._enter_now(self._first)
            return
        self._waiting = False
        if self._pos not in self._done:
            self._skipped.add(self._pos)
        self._go_on_now()

    def _go_on_now(self) -> None:
        if self._pos + 1 >= len(self._segments):
            self._finish(self.clock.now())
        else:
            self._enter_now(self._pos + 1)

    def _back(self, now: float) -> None:
        began = self._deadline(self._segments[self._pos].start)
        target = self._pos
        if now - began < BACK_AGAIN_SECONDS and self._pos > 0:
            target -= 1
        self._waiting = False
        self._pos = target
        self._emit(EventKind.BACK, now)
        self._enter_now(target)

    # -- events and sinks ----------------------------------------------------------------

    def _emit(
        self,
        kind: EventKind,
        scheduled: float,
        *,
        text: str | None = None,
        number: int | None = None,
        of: int | None = None,
        phase: str | None = None,
        timeline: Timeline | None = None,
        outcome: Outcome | None = None,
        forgiving: bool = False,
    ) -> None:
        """Tell every sink; ``forgiving`` goes on past a sink that raises (when stopping
        because of an error already on its way out, which is the one worth reporting)."""
        now = self.clock.now()
        segment = self._segments[self._pos] if self._pos >= 0 else None
        step_ends_at: float | None = None
        ends_at: float | None = None
        if self._paused_clock is None and not self._waiting and not self._finished:
            total = self._segments[-1].end + self._extra
            ends_at = self._deadline(total) - self._origin
            if segment is not None:
                step_ends_at = self._deadline(segment.end + self._extra) - self._origin
        step_left, routine_left = self._left(segment, scheduled)
        following = self._pos + 1 if self._pos >= 0 else self._first
        event = Event(
            kind=kind,
            scheduled=scheduled - self._origin,
            actual=now - self._origin,
            wall=self.clock.wall(),
            step=segment.index if segment is not None else 0,
            top_step=segment.top if segment is not None else 0,
            segment=segment,
            step_ends_at=step_ends_at,
            ends_at=ends_at,
            text=text,
            number=number,
            of=of,
            phase=phase,
            timeline=timeline,
            outcome=outcome,
            where=self._path(segment) if segment is not None else "",
            step_left=step_left,
            routine_left=routine_left,
            next_segment=self._segment_at(following),
            next_move=self._move_from(following),
            played=self._played(now),
            paused=self._paused(now),
            pace=self.pace,
        )
        self._fanout.handle(event, forgiving=forgiving)

    def _left(self, segment: Segment | None, at: float) -> tuple[float | None, float | None]:
        """Routine seconds left in ``segment`` and in the whole routine at clock time ``at``
        (the moment of pausing, while paused; the step's start, while it waits for Enter)."""
        if not self._segments:
            return None, 0.0
        if self._finished:
            return 0.0, 0.0
        last_end = self._segments[-1].end
        if segment is None:
            if self._first >= len(self._segments):
                return None, 0.0
            # The lead-in is not routine time: all of it from the first step is still to come.
            return None, self.timeline.total - self._segments[self._first].start
        length = segment.duration + self._extra
        into = 0.0
        if not self._waiting:
            reference = self._paused_clock if self._paused_clock is not None else at
            # The one place clock seconds turn back into routine seconds.
            into = self.pace.routine_seconds(reference - self._deadline(segment.start))
        step_left = length - min(length, max(0.0, into))
        return step_left, step_left + (last_end - segment.end)

    def _path(self, segment: Segment) -> str:
        """The block path of ``segment``: its name, then where it is (routines, rounds,
        sides), from the innermost block with a ``name:`` of its own inwards, as its chapter
        says ("Rise · Feet parallel · Round 2 of 3", not a round that the routine's other
        blocks have too); a step with no name of its own goes by its block's."""
        found = self._where.get(segment.index)
        if found is None:
            parts = list(segment.where)
            for depth in range(min(len(segment.blocks), len(parts)) - 1, -1, -1):
                if segment.blocks[depth]:
                    parts = [segment.blocks[depth], *parts[depth:]]
                    break
            if segment.name:
                parts.insert(0, segment.name)
            found = " · ".join(dict.fromkeys(part for part in parts if part))
            self._where[segment.index] = found
        return found

    def _segment_at(self, index: int) -> Segment | None:
        return self._segments[index] if 0 <= index < len(self._segments) else None

    def _move_from(self, index: int) -> Segment | None:
        """The first segment from ``index`` on that is not a side switch."""
        for candidate in self._segments[max(0, index) :]:
            if candidate.kind is not SegmentKind.SWITCH:
                return candidate
        return None

    def _stop(self, status: Status, *, forgiving: bool = False) -> None:
        """Tell every sink the session stopped, and why, with what it came to."""
        outcome = self._conclude(status)
        self._emit(
            EventKind.STOP,
            self.clock.now(),
            text=STOP_REASONS[status],
            outcome=outcome,
            forgiving=forgiving,
        )

    def _paused(self, now: float) -> float:
        """Clock seconds paused so far, the pause in progress included."""
        if self._paused_clock is None:
            return self._paused_total
        return self._paused_total + (now - self._paused_clock)

    def _played(self, now: float) -> float:
        """Clock seconds played from the first step's start, pauses left out (0 in the lead-in)."""
        if self._lead_in_played is None:
            return 0.0
        return max(0.0, (now - self._origin) - self._paused(now) - self._lead_in_played)

    def _played_all(self, now: float) -> float:
        """Clock seconds since the start, pauses left out, the lead-in in."""
        return (now - self._origin) - self._paused(now)

    def _conclude(self, status: Status) -> Outcome:
        """Work out what the session came to (before the event that ends it is told, so
        the event can carry it) and keep it as :attr:`outcome`."""
        now = self.clock.now()
        segment = self._segments[self._pos] if self._pos >= 0 else None
        first = self._segments[self._first] if self._first < len(self._segments) else None
        self.outcome = Outcome(
            status=status,
            step=segment.index if segment is not None else 0,
            steps_total=len(self._segments),
            steps_done=len(self._done),
            steps_skipped=len(self._skipped),
            played_seconds=self._played(now),
            paused_seconds=self._paused(now),
            lead_in_seconds=(
                self._played_all(now) if self._lead_in_played is None else self._lead_in_played
            ),
            top_step=segment.top if segment is not None else 0,
            tops_total=len(self.timeline.routine.steps),
            planned_seconds=self.timeline.total - (first.start if first is not None else 0.0),
            done_seconds=math.fsum(self._segments[i].duration for i in self._done),
        )
        return self.outcome
