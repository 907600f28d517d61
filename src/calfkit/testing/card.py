"""Hearing what calfkit plays without a sound card: for tests and the latency benchmark.

:class:`FakeCard` writes an ALSA configuration whose default device is ALSA's ``file``
plugin: each stream opened runs a tiny recorder that notes the wall time it started and keeps
the raw samples. ALSA's ``null`` device behind it takes samples as fast as they come, so a
whole sound arrives at once; a ``paced`` card's recorder takes them no faster than they would
play, through a small pipe, so a sound cut short (muted) is recorded cut short.

The analysis helpers find the sounds in samples (where each begins and ends) and name them by
length and pitch (zero crossings per note), against :data:`NOTES`.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path

from calfkit.sound.tones import NOTES, SAMPLE_RATE, Sound, seconds
from calfkit.timeline import Timeline

# Run by ALSA's file plugin once per opened stream, with the samples on stdin. bash reads the
# time without starting another process ($EPOCHREALTIME, bash 5), so the stamp is close to
# the moment ALSA opened the stream; plain sh asks date(1).
_RECORDER_BASH = """#!{shell}
stamp=$EPOCHREALTIME
exec cat > "{folder}/$stamp.$$.raw"
"""
_RECORDER_SH = """#!/bin/sh
stamp=$(date +%s.%N)
exec cat > "{folder}/$stamp.$$.raw"
"""

# The paced recorder: reads stdin at the rate the samples play, so the player's writes block
# as on a real card. The pipe is shrunk to as few pages as it can be (at best 4 KiB, 46 ms of
# sound; the player may have filled more of it already, up to the usual 64 KiB, 0.74 s).
_PACER = """
import fcntl, sys, time
for size in (4096, 8192, 16384, 32768):
    try:
        fcntl.fcntl(0, fcntl.F_SETPIPE_SZ, size)
        break
    except OSError:
        pass
out = open(sys.argv[1], "wb", buffering=0)
began, total = time.monotonic(), 0
while chunk := sys.stdin.buffer.read1(1024):
    out.write(chunk)
    total += len(chunk)
    time.sleep(max(0.0, began + total / {rate} - time.monotonic()))
"""


def _recorder(folder: Path, *, paced: bool = False) -> str:
    import shutil
    import subprocess

    script = _RECORDER_BASH
    shell = shutil.which("bash")
    if shell is not None:
        check = subprocess.run(
            [shell, "-c", 'test -n "$EPOCHREALTIME"'], capture_output=True, check=False
        )
        if check.returncode != 0:
            shell = None
    if shell is None:
        script = _RECORDER_SH
    if paced:
        pacer = _PACER.format(rate=SAMPLE_RATE * 2)  # 16-bit mono
        script = script.replace("exec cat >", f"exec {sys.executable} -c '{pacer}'")
    return script.format(shell=shell, folder=folder)


_CONFIG = """pcm.!default {{
    type file
    slave.pcm "null"
    format "raw"
    file "|{recorder}"
}}
"""


@dataclass(frozen=True)
class Stream:
    """One stream ALSA opened: when (Unix time, as the recorder started) and what it got."""

    opened: float
    samples: array[int]


class FakeCard:
    """An ALSA default device that records every stream into ``folder``.

    ``paced``: take samples in real time (slower to start a stream: for tests of how long a
    sound played, not of when it began)."""

    def __init__(self, folder: str | os.PathLike[str], *, paced: bool = False) -> None:
        self.folder = Path(folder)
        self.captures = self.folder / "streams"
        self.captures.mkdir(parents=True, exist_ok=True)
        self.recorder = self.folder / "record.sh"
        self.recorder.write_text(_recorder(self.captures, paced=paced))
        self.recorder.chmod(0o755)
        self.config = self.folder / "asound.conf"
        self.config.write_text(_CONFIG.format(recorder=self.recorder))

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) with ALSA pointed at the fake card."""
        env = dict(os.environ if base is None else base)
        env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{self.config}"
        return env

    def streams(self) -> list[Stream]:
        """Every stream recorded so far, in the order they were opened."""
        found = []
        for path in self.captures.glob("*.raw"):
            stamp = ".".join(path.name.split(".")[:2])
            samples = array("h")
            samples.frombytes(path.read_bytes()[: path.stat().st_size // 2 * 2])
            if sys.byteorder == "big":
                samples.byteswap()
            found.append(Stream(float(stamp), samples))
        return sorted(found, key=lambda stream: stream.opened)


@dataclass(frozen=True)
class Burst:
    """A stretch of sound: samples ``start`` to ``end`` (exclusive) of a recording."""

    start: int
    end: int

    def seconds(self, rate: int = SAMPLE_RATE) -> float:
        return (self.end - self.start) / rate


def bursts(
    samples: array[int],
    rate: int = SAMPLE_RATE,
    *,
    threshold: int = 200,
    min_gap: float = 0.02,
) -> list[Burst]:
    """The sounds in ``samples``: runs above ``threshold``, joined across gaps under ``min_gap``."""
    found: list[Burst] = []
    gap = round(min_gap * rate)
    start = last = -1
    for i, value in enumerate(samples):
        if value > threshold or value < -threshold:
            if start < 0:
                start = i
            elif i - last > gap:
                found.append(Burst(start, last + 1))
                start = i
            last = i
    if start >= 0:
        found.append(Burst(start, last + 1))
    return found


def zero_crossing_hz(samples: array[int], rate: int = SAMPLE_RATE) -> float:
    """The frequency of a steady tone from how often it crosses zero."""
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0 <= b) or (b < 0 <= a))
    return crossings * rate / (2 * max(1, len(samples) - 1))


def identify(
    samples: array[int], rate: int = SAMPLE_RATE, *, length_tolerance: float = 0.02
) -> Sound | None:
    """Which sound ``samples`` (one burst) is, by its length and each note's pitch."""
    length = len(samples) / rate
    for sound in Sound:
        if abs(seconds(sound) - length) > length_tolerance:
            continue
        at = 0.0
        matches = True
        for note in NOTES[sound]:
            # The middle half of a note: clear of its fades and of timing slop at the edges.
            lo = round((at + note.seconds * 0.25) * rate)
            hi = round((at + note.seconds * 0.75) * rate)
            expected = (note.start_hz + note.final_hz) / 2
            if abs(zero_crossing_hz(samples[lo:hi], rate) - expected) > 0.06 * expected:
                matches = False
                break
            at += note.seconds
        if matches:
            return sound
    return None


def default_device_opens(env: dict[str, str]) -> bool:
    """Whether ALSA's default device opens for a process started with ``env`` (checked in a
    fresh process, since ALSA reads its configuration once per process)."""
    import subprocess

    probe = (
        "from calfkit.sound import alsa\n"
        "raise SystemExit(alsa.default_device_problem() is not None)"
    )
    return subprocess.run([sys.executable, "-c", probe], env=env, check=False).returncode == 0


def due_sounds(
    log: str | os.PathLike[str], timeline: Timeline, *, lead_in: float
) -> list[tuple[float, Sound]]:
    """When each sound of a session was due (Unix time) and which, from its ``--log-events``.

    Each time comes from its own logged event (its wall time less how late it fired), so the
    wall clock's slow drift against the monotonic one over a session does not creep in.
    """
    from calfkit.player.events import EventKind
    from calfkit.sound.cues import SoundCues
    from calfkit.testing.play import play_fast

    logged = [json.loads(line) for line in Path(log).read_text().splitlines()]
    # The same session on a fake clock gives the events with their segments; the log has
    # every event but the TICKs, in the same order.
    events = [
        event
        for event in play_fast(timeline, lead_in=lead_in).events
        if event.kind is not EventKind.TICK
    ]
    if [entry["event"] for entry in logged] != [event.kind.value for event in events]:
        raise ValueError("the event log is not of a whole, untouched session of this timeline")
    cues = SoundCues()
    due = []
    for entry, event in zip(logged, events, strict=True):
        sound = cues.sound_for(event)
        if sound is not None:
            due.append((entry["wall"] - (entry["actual"] - entry["scheduled"]), sound))
    return due
