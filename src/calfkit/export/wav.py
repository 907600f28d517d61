"""The session's sound track as a WAV file (16-bit mono PCM, 44.1 kHz), for any player.

The render is mixed and written a chunk at a time, so even a long routine needs little memory.
"""

from __future__ import annotations

import contextlib
import os
import sys
import wave
from array import array
from collections.abc import Iterable

from calfkit.errors import ExportError
from calfkit.export.render import Placed, Progress, Render, mix
from calfkit.sound.tones import SAMPLE_RATE

__all__ = ["SOUND", "holds", "write", "write_chunks", "write_track"]

SOUND = True
"""This format holds the sound track (so the session's sounds are rendered for it)."""


def write(render: Render, path: str, *, progress: Progress | None = None) -> str:
    """Write ``render``'s mixed track to ``path``; say what it holds."""
    write_chunks(path, render.chunks(progress), rate=render.rate)
    return holds(render)


def holds(render: Render) -> str:
    """ "17 sounds, 4 spoken phrases": what a sound track of ``render`` holds."""
    sounds = f"{render.sounds} sound{'' if render.sounds == 1 else 's'}"
    if not render.phrases:
        return sounds
    return f"{sounds}, {render.phrases} spoken phrase{'' if render.phrases == 1 else 's'}"


def write_track(
    path: str | os.PathLike[str],
    placed: list[Placed],
    length: int,
    *,
    rate: int = SAMPLE_RATE,
    progress: Progress | None = None,
) -> None:
    """Mix ``placed`` into a ``length``-sample track and write it to ``path`` as a WAV file."""
    write_chunks(path, mix(placed, length, rate=rate, progress=progress), rate=rate)


def write_chunks(
    path: str | os.PathLike[str], chunks: Iterable[array[int]], *, rate: int = SAMPLE_RATE
) -> None:
    """Write the 16-bit samples of each chunk to ``path`` as a WAV file."""
    try:
        out = wave.open(os.fspath(path), "wb")  # noqa: SIM115 - closed in the finally below
    except OSError as error:
        raise ExportError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from None
    try:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        for samples in chunks:
            if sys.byteorder == "big":
                samples.byteswap()
            out.writeframes(samples.tobytes())
    except OSError as error:
        raise ExportError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            out.close()
