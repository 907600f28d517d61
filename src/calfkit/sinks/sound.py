"""The sound sink: turns the player's events into sounds without ever holding the player up.

``handle()`` only looks the sound up and puts it on a queue; a worker thread synthesises it
(once: sounds are cached) and hands it to the back end. When the back end fails, the worker
moves to the next one that works (once), says so in one line, and replays the sound that
failed; the routine goes on either way. Muting silences at once: the back end cuts what is
sounding (a beep, a phrase of speech) and sounds still queued are dropped.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from typing import Literal, TypeAlias

from calfkit.player.events import Event, EventKind
from calfkit.sound.backends import Backend, BackendFailed, OffBackend, open_first, plays_speech
from calfkit.sound.cues import SoundCues
from calfkit.sound.tones import Sound, render

SOUND_STALE_SECONDS = 0.5
"""A beep that could not reach the back end this soon after its moment (a back end stuck for
a while) is dropped: heard late it would mark the wrong moment."""

SPEECH_STALE_SECONDS = 3.0
"""The same for a rendered phrase, which still makes sense a little late."""

CLOSE_JOIN_SECONDS = 3.0
"""The longest ``close()`` waits for queued sounds to be handed to a back end."""

_Entry: TypeAlias = "tuple[Sound | array[int], float, int] | Literal['cut'] | None"
"""What the worker is handed: (a sound or samples, when queued, the mutes before it), "cut"
(mute: silence the back end), or None (close)."""


class SoundSink:
    """Plays a sound for each event that has one (see :func:`calfkit.sound.cues.sound_for`).

    ``fallbacks``: back end names to try, in order, if ``backend`` fails while playing.
    ``speak_counts``: voice is on, so counts that leave room are left to the speech sink.
    ``beeps``: False with ``--sound off --voice``: only speech (:meth:`play_samples`) is heard.
    ``sound_stale``: a beep still queued this long after its moment is dropped.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        fallbacks: Sequence[str] = (),
        warn: Callable[[str], None],
        speak_counts: bool = False,
        beeps: bool = True,
        sound_stale: float = SOUND_STALE_SECONDS,
    ) -> None:
        self.backend = backend
        self._fallbacks = list(fallbacks)
        self._fell_back = False
        self._warn = warn
        self._cues = SoundCues(speak_counts=speak_counts)
        self._muted = False
        self.beeps = beeps
        self._stopped = False
        self._mutes = 0  # how many times muted: a sound queued before the last mute is dropped
        self._queue: queue.SimpleQueue[_Entry] = queue.SimpleQueue()
        self.dropped = 0  # sounds and phrases too stale to play
        self._sound_stale = sound_stale
        # A session opens with one of these two; the rest are synthesised while the worker idles.
        render(Sound.LEAD_IN)
        render(Sound.STEP)
        self._cold = [sound for sound in Sound if sound not in (Sound.LEAD_IN, Sound.STEP)]
        # The worker must get the interpreter soon after an event even while the player's
        # thread runs other sinks (drawing, logging): a 1 ms switch interval (default 5 ms)
        # bounds that wait, which is most of what a sound can be late by.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        self._worker = threading.Thread(target=self._run, name="calfkit-sound", daemon=True)
        self._worker.start()

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def lead_in_beeps(self) -> int | None:
        return self._cues.lead_in_beeps

    @lead_in_beeps.setter
    def lead_in_beeps(self, value: int | None) -> None:
        self._cues.lead_in_beeps = value

    def cut(self) -> None:
        """Silence what is sounding now (a phrase a key cut), without muting; returns at once."""
        self._mutes += 1  # what is still queued from before is dropped too
        self._queue.put("cut")

    @property
    def speak_time(self) -> bool:
        return self._cues.speak_time

    @speak_time.setter
    def speak_time(self, value: bool) -> None:
        self._cues.speak_time = value

    @property
    def speak_counts(self) -> bool:
        return self._cues.speak_counts

    @speak_counts.setter
    def speak_counts(self, value: bool) -> None:
        self._cues.speak_counts = value

    def handle(self, event: Event) -> None:
        if event.kind is EventKind.STOP:
            self._stopped = True  # stopped early: closing need not let sounds ring out
        if event.kind is EventKind.MUTE:
            self._muted = True
            self._mutes += 1
            # The back end is only ever touched from the worker; handing it the cut is quick.
            self._queue.put("cut")
        elif event.kind is EventKind.UNMUTE:
            self._muted = False
        else:
            sound = self._cues.sound_for(event)
            if sound is not None and self.beeps:
                self.play(sound)

    def play(self, sound: Sound) -> None:
        """Queue ``sound`` (unless muted); returns at once."""
        mutes = self._mutes  # read first: a mute from another thread in between drops it
        if not self._muted:
            self._queue.put((sound, time.monotonic(), mutes))

    def play_samples(self, samples: array[int]) -> None:
        """Queue any samples at the sounds' rate (unless muted); returns at once.

        Dropped by a back end that cannot play them (speech would only ring the bell)."""
        mutes = self._mutes  # read first: a mute from another thread in between drops it
        if not self._muted:
            self._queue.put((samples, time.monotonic(), mutes))

    def close(self) -> None:
        """Play what is queued, let the last sound finish (unless the session was stopped
        early), and release the back end."""
        self._queue.put(None)
        self._worker.join(CLOSE_JOIN_SECONDS)
        if self._worker.is_alive():
            return  # a back end stuck inside play(): leave it to die with the process
        self.backend.close(wait=not self._stopped)

    def _run(self) -> None:
        while True:
            if self._cold:
                # Synthesising a sound takes milliseconds: do it between sounds, never in
                # handle(), so no event waits for it (the lead-in leaves time for them all).
                try:
                    entry = self._queue.get_nowait()
                except queue.Empty:
                    render(self._cold.pop(0))
                    continue
            else:
                entry = self._queue.get()
            if entry is None:
                return
            if entry == "cut":
                self._cut()
                continue
            item, queued, mutes = entry
            if mutes != self._mutes:
                continue  # queued before a mute that came while it waited
            stale = self._sound_stale if isinstance(item, Sound) else SPEECH_STALE_SECONDS
            if time.monotonic() - queued > stale:
                self.dropped += 1
                continue
            if not isinstance(item, Sound) and not plays_speech(self.backend):
                continue  # speech, after a fallback to the bell: ringing it would mislead
            samples = render(item) if isinstance(item, Sound) else item
            try:
                self.backend.play(samples)
            except BackendFailed as failure:
                self._fall_back(str(failure), samples)

    def _cut(self) -> None:
        # Silence is best effort: a back end that cannot stop must not end the worker.
        with contextlib.suppress(Exception):
            self.backend.stop()

    def _fall_back(self, why: str, samples: array[int]) -> None:
        failed = self.backend
        # It already failed; closing it is a courtesy that must not stop the fallback.
        with contextlib.suppress(Exception):
            failed.close(wait=False)
        if self._fell_back:
            self.backend = OffBackend()
            self._warn(f"sound: {failed.label} failed too ({why}); sound is off")
            return
        self._fell_back = True
        self.backend, _ = open_first(self._fallbacks, by_name=False)
        if isinstance(self.backend, OffBackend):
            self._warn(f"sound: {failed.label} failed ({why}); sound is off")
            return
        self._warn(f"sound: {failed.label} failed ({why}); using {self.backend.label} instead")
        try:
            self.backend.play(samples)
        except BackendFailed as failure:
            self._fall_back(str(failure), samples)
