"""Spoken cues: a sink that says each new step's cue and what comes next, from its own thread.

What is said and when comes from :mod:`calfkit.sound.speech`; this sink feeds it the player's
events. Muting (or stopping early) cuts the phrase in progress.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from calfkit.player.events import Event, EventKind
from calfkit.sound.speech import Announcer, Speaker, SpeechQueue
from calfkit.sound.tones import Sound

CLOSE_WAIT_SECONDS = 6.0
"""How long ``close()`` lets the last phrase (the end of the routine) be heard."""


class SpeechSink:
    """Speaks cues as the player reaches them, from its own thread.

    ``beep``: plays a sound instead of a count that cannot be spoken in time.
    ``warn``: one line if the speech engine stops working (voice then goes quiet).
    ``chimes``: the sound sink chimes each step, so its cue waits for the chime to end.
    """

    def __init__(
        self,
        speaker: Speaker,
        *,
        beep: Callable[[Sound], None] | None = None,
        warn: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        queue: SpeechQueue | None = None,
        chimes: bool = False,
    ) -> None:
        self.speaker = speaker
        self.queue = queue or SpeechQueue()
        self._announcer = Announcer(chimes=chimes)
        self._hold = threading.Event()  # set when closing early: say nothing more
        self._cut: threading.Event | None = None  # the phrase in progress's (see Speaker)
        self._beep = beep
        self._warn = warn
        self._clock = clock
        self._muted = False
        self._broken = False
        self._closed = False
        self._stopped = False  # ended early (q, Ctrl-C): no phrase is worth waiting for
        self._condition = threading.Condition()
        self._worker = threading.Thread(target=self._run, name="calfkit-speech", daemon=True)
        self._worker.start()

    def handle(self, event: Event) -> None:
        kind = event.kind
        if kind is EventKind.MUTE:
            self._muted = True
        elif kind is EventKind.UNMUTE:
            self._muted = False
        if kind in (EventKind.MUTE, EventKind.STOP):
            with self._condition:
                self.queue.clear()
                if kind is EventKind.MUTE and self._cut is not None:
                    self._cut.set()  # silence at once, not after the phrase
        if kind is EventKind.STOP:
            self._stopped = True
        utterance = self._announcer.utterance(event)
        if utterance is None or self._muted:
            return
        if self._broken:
            accepted = False
        else:
            with self._condition:
                accepted = self.queue.offer(utterance, self._clock())
                self._condition.notify()
        if not accepted and utterance.beep is not None and self._beep is not None:
            self._beep(utterance.beep)

    def close(self) -> None:
        """Let the phrase in progress and any fresh one waiting be said, then stop (at once,
        if the session was stopped early)."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        if self._stopped:
            self._cut_all()
        self._worker.join(CLOSE_WAIT_SECONDS)
        if self._worker.is_alive():
            self._cut_all()
            self._worker.join()

    def _cut_all(self) -> None:
        """Say nothing more, cutting the phrase in progress."""
        with self._condition:
            self._hold.set()
            if self._cut is not None:
                self._cut.set()

    def _run(self) -> None:
        while True:
            with self._condition:
                while self.queue.idle and not self._closed:
                    self._condition.wait()
                taken = self.queue.take_timed(self._clock())
                if taken is None:
                    if self._closed:
                        return
                    continue
                # Made with the phrase, under the lock a mute takes: no mute can slip by.
                cut = self._cut = threading.Event()
                if self._hold.is_set():
                    cut.set()
            utterance, since = taken
            try:
                wait = since + utterance.after - self._clock()
                if wait > 0:
                    cut.wait(wait)  # the chime first
                if not self._broken and not cut.is_set():
                    self.speaker.speak(utterance.text, cut)
            except OSError as error:
                self._broken = True
                if self._warn is not None:
                    self._warn(f"voice: {error}; spoken cues are off")
                if utterance.beep is not None and self._beep is not None:
                    self._beep(utterance.beep)
            finally:
                with self._condition:
                    self._cut = None
                    self.queue.finished()
