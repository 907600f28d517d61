"""Sound back ends behind one small interface: ``play(samples)`` returns at once, ``stop()``
silences what is sounding (mute), ``close()``.

In the order ``--sound auto`` tries them: simpleaudio, miniaudio (one device stream that mixes
whatever is queued), the system's player in a background process, the terminal bell, then
silence. Opening a back end checks that it can really play here; a back end that stops
working raises :class:`BackendFailed` from ``play``, and the sound sink moves on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Generator
from typing import Any, Protocol

from calfkit import DISTRIBUTION, install_hint
from calfkit.sound import CHOICES, alsa
from calfkit.sound.tones import SAMPLE_RATE, limit
from calfkit.sound.wav import wav_bytes

# The order ``--sound auto`` tries them in: the choices (one list, in calfkit.sound) but auto.
ORDER = tuple(choice for choice in CHOICES if choice != "auto")
"""Every back end, in the order ``--sound auto`` tries them."""

SYSTEM_PLAYERS = ("pw-play", "paplay", "aplay", "afplay")
"""Command-line players the ``system`` back end looks for, first found wins."""

CLOSE_WAIT_SECONDS = 1.5
"""How long ``close()`` lets sounds already playing finish (the end chime, a last word)."""

STOP_WAIT_SECONDS = 0.5
"""How long ``stop()`` gives a system player to end when asked, before killing it."""


class Unavailable(Exception):
    """A back end cannot play here; the message says why, for people."""


class BackendFailed(Exception):
    """A back end that had been working stopped; the message says why."""


class Backend(Protocol):
    """Plays 16-bit mono samples at :data:`SAMPLE_RATE` without waiting for them to finish."""

    label: str  # how it is named in messages, e.g. "the system player (aplay)"

    def play(self, samples: array[int]) -> None: ...

    def stop(self) -> None:
        """Cut short every sound playing or queued now; later sounds play as usual."""

    def close(self, *, wait: bool = True) -> None:
        """Release the device; ``wait``: let sounds already playing finish first."""


class SimpleaudioBackend:
    """simpleaudio: one ALSA stream per sound, played by its own C thread."""

    label = "simpleaudio"

    def __init__(self, *, by_name: bool = True) -> None:
        if sys.version_info >= (3, 12) and not by_name:
            raise Unavailable(
                "skipped on Python 3.12 and later, where it is known to crash"
                " (ask for it with --sound simpleaudio)"
            )
        try:
            import simpleaudio
        except ImportError:
            raise Unavailable(simpleaudio_missing()) from None
        if sys.platform.startswith("linux"):
            problem = alsa.default_device_problem()
            if problem is not None:
                raise Unavailable(problem)
        self._module: Any = simpleaudio
        self._playing: list[Any] = []

    def play(self, samples: array[int]) -> None:
        alsa.silence_errors()
        self._playing = [p for p in self._playing if p.is_playing()]
        try:
            self._playing.append(self._module.play_buffer(samples.tobytes(), 1, 2, SAMPLE_RATE))
        except Exception as error:
            raise BackendFailed(" ".join(str(error).split())) from None

    def stop(self) -> None:
        for playing in self._playing:
            playing.stop()
        self._playing = []

    def close(self, *, wait: bool = True) -> None:
        deadline = time.monotonic() + (CLOSE_WAIT_SECONDS if wait else 0.0)
        for playing in self._playing:
            while playing.is_playing() and time.monotonic() < deadline:
                time.sleep(0.01)
            playing.stop()
        self._playing = []


def simpleaudio_missing(version: tuple[int, ...] | None = None, platform: str | None = None) -> str:
    """Why simpleaudio is not here, and how to get it on this Python and platform.

    The [simpleaudio] extra installs it only where it can be built: it has no wheels for
    Python 3.10 and later, so only on Linux (with a C compiler and libasound2-dev), and only
    before Python 3.12 (docs/install.md).
    """
    version = sys.version_info[:2] if version is None else version
    platform = sys.platform if platform is None else platform
    if version >= (3, 12):
        return (
            f"not installed; the {DISTRIBUTION}[simpleaudio] extra leaves it out on Python 3.12"
            f" and later, where it is known to crash ({install_hint('audio')} serves instead;"
            " `pip install simpleaudio` to try it anyway)"
        )
    if platform != "linux":
        return (
            f"not installed; the {DISTRIBUTION}[simpleaudio] extra leaves it out here, where it"
            f" has no wheels ({install_hint('audio')} serves instead; `pip install simpleaudio`"
            " builds it with a C compiler)"
        )
    return f"not installed ({install_hint('simpleaudio')})"


class MiniaudioBackend:
    """miniaudio: one device stream, opened once, whose callback mixes the queued sounds."""

    label = "miniaudio"

    def __init__(
        self,
        *,
        backends: list[Any] | None = None,
        period_ms: int = 10,
        on_pull: Callable[[array[int]], None] | None = None,
    ) -> None:
        try:
            import miniaudio
        except ImportError:
            raise Unavailable(f"not installed ({install_hint('audio')})") from None
        alsa.silence_errors()
        # Without an explicit list miniaudio may settle on its silent NULL back end; that
        # counts as "no device" unless a caller (a test) asks for NULL on purpose.
        wanted = backends or [b for b in miniaudio.Backend if b is not miniaudio.Backend.NULL]
        try:
            self._device: Any = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=SAMPLE_RATE,
                buffersize_msec=period_ms,
                backends=wanted,
                app_name="calfkit",
            )
        except Exception as error:
            raise Unavailable(f"no audio device ({_describe(error)})") from None
        self.label = f"miniaudio ({self._device.backend})"
        self._lock = threading.Lock()
        self._incoming: list[array[int]] = []
        self._on_pull = on_pull
        self._pulled = threading.Event()
        self._sounding = 0  # sounds the mixer is part-way through
        self._cut = False  # stop(): the mixer drops the sounds it is part-way through
        generator = self._mixer()
        next(generator)
        try:
            self._device.start(generator)
        except Exception as error:
            self._device.close()
            raise Unavailable(f"the audio device would not start ({_describe(error)})") from None

    def _mixer(self) -> Generator[array[int], int, None]:
        active: list[tuple[array[int], int]] = []
        frames = yield array("h")
        while True:
            with self._lock:
                if self._cut:
                    # Before taking in what came after the stop, which plays as usual.
                    active.clear()
                    self._cut = False
                active.extend((samples, 0) for samples in self._incoming)
                self._incoming.clear()
            if not active:
                out = array("h", bytes(2 * frames))
            elif len(active) == 1:
                samples, at = active[0]
                out = samples[at : at + frames]
                if len(out) < frames:
                    out.frombytes(bytes(2 * (frames - len(out))))
                active = [(samples, at + frames)] if at + frames < len(samples) else []
            else:
                mixed = [0] * frames
                still: list[tuple[array[int], int]] = []
                for samples, at in active:
                    for i, value in enumerate(samples[at : at + frames]):
                        mixed[i] += value
                    if at + frames < len(samples):
                        still.append((samples, at + frames))
                active = still
                out = array("h", (limit(v) for v in mixed))
            if self._on_pull is not None:
                self._on_pull(out)
            self._sounding = len(active)
            self._pulled.set()
            frames = yield out

    def play(self, samples: array[int]) -> None:
        with self._lock:
            self._incoming.append(samples)

    def stop(self) -> None:
        # Heard within one period: the mixer drops its sounds at its next pull.
        with self._lock:
            self._incoming.clear()
            self._cut = True

    def close(self, *, wait: bool = True) -> None:
        # Let what is queued or playing finish.
        deadline = time.monotonic() + (CLOSE_WAIT_SECONDS if wait else 0.0)
        # Stopping a device whose stream never ran can hang inside miniaudio (seen with ALSA).
        self._pulled.wait(CLOSE_WAIT_SECONDS)
        while time.monotonic() < deadline:
            with self._lock:
                if not self._incoming and not self._sounding:
                    break
            time.sleep(0.01)
        self._device.close()


class SystemPlayerBackend:
    """The system's command-line player, one background process per sound, fed a WAV file."""

    def __init__(self, *, players: tuple[str, ...] = SYSTEM_PLAYERS) -> None:
        self._winsound: Any = None
        if sys.platform == "win32":
            import winsound

            self._winsound = winsound
            self.label = "the system player (winsound)"
            self._command: list[str] = []
        else:
            found = [(name, shutil.which(name)) for name in players]
            found_paths = [(name, path) for name, path in found if path]
            if not found_paths:
                raise Unavailable(f"none of {', '.join(players)} is installed")
            name, path = found_paths[0]
            if name == "aplay":
                problem = alsa.default_device_problem()
                if problem is not None:
                    raise Unavailable(f"aplay: {problem}")
                self._command = [path, "-q"]
            else:
                self._command = [path]
            self.label = f"the system player ({name})"
        self._folder = tempfile.mkdtemp(prefix="calfkit-sound-")
        self._running: list[tuple[subprocess.Popen[bytes], str]] = []
        self._serial = 0

    def _reap(self) -> str | None:
        """Forget finished players and their files; why one failed, if one did."""
        failure = None
        still = []
        for process, path in self._running:
            code = process.poll()
            if code is None:
                still.append((process, path))
                continue
            err = process.stderr.read() if process.stderr else b""
            if process.stderr:
                process.stderr.close()
            _remove(path)
            if code != 0 and failure is None:
                lines = err.decode(errors="replace").strip().splitlines()
                failure = f"exit status {code}" + (f": {lines[-1].strip()}" if lines else "")
        self._running = still
        return failure

    def play(self, samples: array[int]) -> None:
        failure = self._reap()
        if failure is not None:
            raise BackendFailed(failure)
        self._serial += 1
        path = os.path.join(self._folder, f"{self._serial}.wav")
        with open(path, "wb") as out:
            out.write(wav_bytes(samples, SAMPLE_RATE))
        if self._winsound is not None:
            self._winsound.PlaySound(path, self._winsound.SND_FILENAME | self._winsound.SND_ASYNC)
            return
        try:
            process = subprocess.Popen(
                [*self._command, path],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError as error:
            raise BackendFailed(str(error)) from None
        self._running.append((process, path))

    def stop(self) -> None:
        if self._winsound is not None:
            self._winsound.PlaySound(None, 0)  # stops the sound playing asynchronously
            return
        for process, path in self._running:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=STOP_WAIT_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            # Ended on purpose: its exit status is no failure, so it is not reaped as one.
            if process.stderr:
                process.stderr.close()
            _remove(path)
        self._running = []

    def close(self, *, wait: bool = True) -> None:
        deadline = time.monotonic() + (CLOSE_WAIT_SECONDS if wait else 0.0)
        for process, _ in self._running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._reap()
        shutil.rmtree(self._folder, ignore_errors=True)


def _describe(error: Exception) -> str:
    """miniaudio's errors carry (message, code); say them as words."""
    if len(error.args) == 2 and isinstance(error.args[1], int):
        return f"{error.args[0]}, error {error.args[1]}"
    return str(error)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


class BellBackend:
    """The terminal bell: every sound becomes one ``\\a`` on the terminal."""

    label = "the terminal bell"

    def __init__(self) -> None:
        try:
            if os.name == "posix":
                self._tty = open("/dev/tty", "wb", buffering=0)  # noqa: SIM115
            else:
                self._tty = open("CONOUT$", "wb", buffering=0)  # noqa: SIM115
        except OSError as error:
            raise Unavailable(f"no terminal to ring ({error.strerror or error})") from None

    def play(self, samples: array[int]) -> None:
        try:
            self._tty.write(b"\a")
        except OSError as error:
            raise BackendFailed(str(error)) from None

    def stop(self) -> None:
        pass  # a bell cannot be taken back

    def close(self, *, wait: bool = True) -> None:
        self._tty.close()


class OffBackend:
    """Silence."""

    label = "no sound"

    def play(self, samples: array[int]) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self, *, wait: bool = True) -> None:
        pass


def plays_speech(backend: Backend) -> bool:
    """Whether ``backend`` can make speech heard (the bell and silence cannot)."""
    return not isinstance(backend, (BellBackend, OffBackend))


def open_backend(name: str, *, by_name: bool = True) -> Backend:
    """Open the back end called ``name`` (one of :data:`ORDER`), or raise :class:`Unavailable`.

    ``by_name``: the user asked for it, as opposed to ``auto`` trying it.
    """
    if name == "simpleaudio":
        return SimpleaudioBackend(by_name=by_name)
    if name == "miniaudio":
        return MiniaudioBackend()
    if name == "system":
        return SystemPlayerBackend()
    if name == "bell":
        return BellBackend()
    if name == "off":
        return OffBackend()
    raise ValueError(f"unknown sound back end {name!r}")


def open_first(
    names: tuple[str, ...] | list[str], *, by_name: bool
) -> tuple[Backend, list[tuple[str, str]]]:
    """The first of ``names`` that opens, and why each one before it did not."""
    skipped: list[tuple[str, str]] = []
    for name in names:
        try:
            return open_backend(name, by_name=by_name), skipped
        except Unavailable as why:
            skipped.append((name, str(why)))
    return OffBackend(), skipped
