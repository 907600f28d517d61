"""Standard 16-bit mono WAV files in and out (the ``wave`` module), and resampling speech."""

from __future__ import annotations

import io
import os
import sys
import wave
from array import array


def _little_endian(samples: array[int]) -> array[int]:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples


def wav_bytes(samples: array[int], rate: int) -> bytes:
    """A complete WAV file holding ``samples`` (16-bit signed mono at ``rate``)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(_little_endian(samples).tobytes())
    return buffer.getvalue()


def write_wav(path: str | os.PathLike[str], samples: array[int], rate: int) -> None:
    """Write ``samples`` to ``path`` as a WAV file that any player reads."""
    with wave.open(os.fspath(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(_little_endian(samples).tobytes())


def read_wav(data: bytes, *, whole: bool = False) -> tuple[array[int], int]:
    """Samples and rate of a 16-bit WAV (mono, or its first channel).

    Tolerates the oversized length a streaming writer (``espeak-ng --stdout``) puts in the
    header: whatever data is there is read. ``whole``: refuse (ValueError) a file holding
    less than its header says, one cut short on disk.
    """
    with wave.open(io.BytesIO(data), "rb") as src:
        if src.getsampwidth() != 2:
            raise ValueError("only 16-bit WAV is supported")
        channels = src.getnchannels()
        rate = src.getframerate()
        frames = src.getnframes()
        raw = src.readframes(frames)
    if whole and len(raw) < frames * channels * 2:
        raise ValueError("the WAV file is cut short")
    samples = array("h")
    samples.frombytes(raw[: len(raw) - len(raw) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if channels > 1:
        samples = samples[::channels]
    return samples, rate


def resampled_length(frames: int, rate: int, target: int) -> int:
    """How many samples :func:`resample` makes of ``frames`` at ``rate`` for ``target``."""
    if rate == target or not frames:
        return frames
    if target % rate == 0:
        return frames * (target // rate)
    return int(frames * target / rate)


def resample(samples: array[int], rate: int, target: int) -> array[int]:
    """``samples`` at ``rate`` converted to ``target`` by linear interpolation (speech only)."""
    if rate == target or not samples:
        return array("h", samples)
    if target % rate == 0:
        # A whole multiple (espeak-ng's 22050 Hz to 44100 Hz): fill each in-between slot by
        # slicing, which is several times faster than one sample at a time.
        factor = target // rate
        out = array("h", bytes(2 * len(samples) * factor))
        following = samples[1:] + samples[-1:]
        out[0::factor] = samples
        for j in range(1, factor):
            frac = j / factor
            out[j::factor] = array(
                "h", [int(a + (b - a) * frac) for a, b in zip(samples, following, strict=True)]
            )
        return out
    count = int(len(samples) * target / rate)
    step = rate / target
    last = len(samples) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        x = i * step
        j = int(x)
        if j >= last:
            out[i] = samples[last]
        else:
            frac = x - j
            out[i] = int(samples[j] + (samples[j + 1] - samples[j]) * frac)
    return out
