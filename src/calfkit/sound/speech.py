"""Making speech: what to say for each event (:class:`Announcer`), the queue that decides
what is still worth saying (:class:`SpeechQueue`), and the engines that say it.

Speech is rendered by ``espeak-ng`` and played through calfkit's sound back end (or spoken
by ``say`` on macOS), one phrase at a time from a queue: a phrase is never cut off by a beep
or by the next phrase, and a cue that has waited too long (or been overtaken by a newer step)
is dropped rather than piled up. Counts are spoken when they are far enough apart and speech
is free; otherwise they are beeped. The sink that plays along with the player is
:class:`calfkit.sinks.speech.SpeechSink`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from calfkit.player.events import Event, EventKind
from calfkit.sound.cues import SoundCues, count_sound, counts_spoken
from calfkit.sound.tones import SAMPLE_RATE, Sound, seconds
from calfkit.timeline import Segment

CUE_STALE_SECONDS = 3.0
"""A cue still waiting this long after its moment is dropped: it would only mislead."""

COUNT_STALE_SECONDS = 0.3
"""A count not begun this soon after its moment is dropped (and was beeped instead)."""

SPEECH_RATE_WPM = 170
"""Words per minute for espeak-ng and say: calm, but quick enough to fit between counts."""

AFTER_CHIME_SECONDS = 0.05
"""A cue begins this long after the chime that marks its moment has finished, so the chime
never covers its first word."""

NEXT_WORDS = 8
"""The "next: ..." preview is cut at its first clause and at most this many words."""

END_PHRASE = "That is the end of the routine. Well done."

CUT_POLL_SECONDS = 0.02
"""How often a speech command is checked for a cut (mute): the most a cut waits for."""


class UtteranceKind(str, Enum):
    CUE = "cue"  # a step's cue, a side switch, the end; a newer cue supersedes it
    COUNT = "count"  # a number; spoken only if speech is free, else beeped


@dataclass(frozen=True)
class Utterance:
    text: str
    kind: UtteranceKind
    beep: Sound | None = None  # what to play instead when it cannot be spoken
    after: float = 0.0  # seconds after its moment it may begin (its chime's length)


def short_preview(segment: Segment) -> str:
    """A few words saying what ``segment`` asks for: the first clause of its cue.

    Not its name: a segment carries the name of the block it sits in ("Feet parallel"), the
    same for every step of that block, which says nothing about what to do next.
    """
    clause = re.split(r"[.,;:!?]", segment.text, maxsplit=1)[0].strip() or segment.text
    words = clause.split()
    return " ".join(words[:NEXT_WORDS])


class Announcer:
    """Decides what is said for each event; the live sink and the WAV export share it.

    ``chimes``: the moments are chimed too, so each cue waits for its chime to end.
    """

    def __init__(self, *, chimes: bool = False) -> None:
        self._cues = SoundCues() if chimes else None

    def _after(self, event: Event) -> float:
        sound = self._cues.sound_for(event) if self._cues is not None else None
        return 0.0 if sound is None else seconds(sound) + AFTER_CHIME_SECONDS

    def utterance(self, event: Event) -> Utterance | None:
        if event.kind in (EventKind.STEP, EventKind.SWITCH) and event.segment is not None:
            text = event.segment.text.strip()
            if text and text[-1] not in ".!?":
                text += "."
            # What the player says comes next, side switches passed over.
            following = event.next_move
            if following is not None:
                text += f" Next: {short_preview(following)}."
            return Utterance(text, UtteranceKind.CUE, after=self._after(event))
        if event.kind is EventKind.FINISH:
            return Utterance(END_PHRASE, UtteranceKind.CUE, after=self._after(event))
        if (
            event.kind is EventKind.COUNT
            and event.number is not None
            and counts_spoken(event.segment)
            and event.number > 1  # the first count falls on the step's own start
        ):
            return Utterance(str(event.number), UtteranceKind.COUNT, beep=count_sound(event))
        return None


class SpeechQueue:
    """What to say next, one phrase at a time, with stale phrases dropped (no clock inside)."""

    def __init__(
        self, *, cue_stale: float = CUE_STALE_SECONDS, count_stale: float = COUNT_STALE_SECONDS
    ) -> None:
        self._pending: deque[tuple[Utterance, float]] = deque()
        self._cue_stale = cue_stale
        self._count_stale = count_stale
        self.speaking = False
        self.dropped: list[Utterance] = []

    @property
    def idle(self) -> bool:
        return not self.speaking and not self._pending

    def offer(self, utterance: Utterance, now: float) -> bool:
        """Queue ``utterance``; False when it is a count and speech is not free for it."""
        if utterance.kind is UtteranceKind.COUNT:
            if not self.idle:
                return False
        else:
            # A newer cue makes any cue not yet begun out of date.
            self.dropped.extend(u for u, _ in self._pending)
            self._pending.clear()
        self._pending.append((utterance, now))
        return True

    def take(self, now: float) -> Utterance | None:
        """The phrase to begin at ``now`` (marks speech busy), or None if nothing fresh waits."""
        taken = self.take_timed(now)
        return None if taken is None else taken[0]

    def take_timed(self, now: float) -> tuple[Utterance, float] | None:
        """Like :meth:`take`, with the time the phrase was offered."""
        while self._pending:
            utterance, since = self._pending.popleft()
            limit = self._count_stale if utterance.kind is UtteranceKind.COUNT else self._cue_stale
            if now - since <= limit:
                self.speaking = True
                return utterance, since
            self.dropped.append(utterance)
        return None

    def finished(self) -> None:
        self.speaking = False

    def clear(self) -> None:
        self.dropped.extend(u for u, _ in self._pending)
        self._pending.clear()


class Speaker(Protocol):
    """Says one phrase at a time."""

    name: str

    def speak(self, text: str, cut: threading.Event) -> None:
        """Say ``text``, returning once it has been heard; OSError if it cannot be said.

        When ``cut`` is set (muted, or stopped early), stop saying it at once and return;
        if it is already set, say nothing. Each phrase gets its own ``cut``, so a cut can
        never be lost between two phrases nor carried over to the next one."""


class CommandSpeaker:
    """Speaks by running a command with the text as its last argument, waiting for it."""

    def __init__(self, argv: Sequence[str], name: str) -> None:
        self.argv = list(argv)
        self.name = name

    def speak(self, text: str, cut: threading.Event) -> None:
        if cut.is_set():
            return
        process = subprocess.Popen(
            [*self.argv, text],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        while True:
            try:
                _, err = process.communicate(timeout=CUT_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if cut.is_set():
                    process.kill()
                    process.communicate()
                    return  # killed on purpose: not a failure
        if process.returncode != 0:
            lines = err.decode(errors="replace").strip().splitlines()
            detail = lines[-1].strip() if lines else f"exit status {process.returncode}"
            raise OSError(f"{self.name} failed: {detail}")


class EspeakSpeaker:
    """Renders a phrase with ``espeak-ng --stdout`` and plays it through calfkit's own sound
    back end (so speech shares its device, its fallback and mute), then waits out its length."""

    name = "espeak-ng"

    def __init__(self, output: Callable[[array[int]], None], *, rate: int = SAMPLE_RATE) -> None:
        self._output = output
        self._rate = rate

    def speak(self, text: str, cut: threading.Event) -> None:
        samples = espeak_samples(text, self._rate)
        if samples is None:
            raise OSError("espeak-ng could not render speech")
        if cut.is_set():
            return  # muted while it was being rendered
        self._output(samples)
        # Cutting only frees this thread: the sound sink, muted too, silences the samples.
        cut.wait(len(samples) / self._rate)


def find_speaker(output: Callable[[array[int]], None]) -> Speaker | None:
    """The speech engine here: espeak-ng (played through ``output``), or macOS's say."""
    if shutil.which("espeak-ng") is not None:
        return EspeakSpeaker(output)
    say = shutil.which("say")
    if say is not None and sys.platform == "darwin":
        return CommandSpeaker([say, "-r", str(SPEECH_RATE_WPM)], "say")
    return None


def speech_available() -> bool:
    """Whether a speech engine is installed here."""
    return shutil.which("espeak-ng") is not None or (
        sys.platform == "darwin" and shutil.which("say") is not None
    )


def install_hint() -> str:
    """One line saying what to install for spoken cues on this system."""
    if sys.platform == "darwin":
        return "voice: macOS's `say` was not found; spoken cues are off"
    if sys.platform == "win32":
        return (
            "voice: no speech engine found; install espeak-ng "
            "(https://github.com/espeak-ng/espeak-ng/releases) and put it on PATH for spoken cues"
        )
    return (
        "voice: no speech engine found; install espeak-ng "
        "(e.g. `sudo apt install espeak-ng`) for spoken cues"
    )


def espeak_samples(text: str, rate: int, *, wpm: int = SPEECH_RATE_WPM) -> array[int] | None:
    """``text`` spoken by ``espeak-ng --stdout`` at ``wpm`` words a minute, resampled to
    ``rate``; None without espeak-ng or when it says nothing.

    The text goes in on standard input, never as an argument: an argument is limited in size
    (a cue over 128 KiB failed with "Argument list too long"), and one that starts with "-"
    would be read as an option.
    """
    from calfkit.sound.wav import read_wav, resample

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None
    try:
        result = subprocess.run(
            [espeak, "--stdout", "-s", str(wpm), "--stdin"],
            input=text.encode("utf-8", errors="replace"),
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if result.returncode != 0 or not result.stdout:
        return None
    samples, source_rate = read_wav(result.stdout)
    return resample(samples, source_rate, rate)
