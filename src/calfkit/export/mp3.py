"""The session's sound track as an MP3 for a phone: mono, 64 kbps, with chapters to skip by.

Encoded with lameenc (LAME) at a constant 64 kbps, mono, 44.1 kHz: about a tenth of the WAV's
size, and plenty for beeps and speech. Tagged with mutagen as ID3v2.4: the routine's title
(TIT2), "calfkit" as the album (TALB), the length (TLEN), the caution as the comment (COMM,
with an empty description, so players show it as the comment), and the chapters of
:mod:`calfkit.export.chapters` (CHAP, titled in a TIT2 inside it, written in time order) under
one ordered top-level table of contents (CTOC), so podcast players can skip from part to part.

The first chapter starts at 0 (it holds the lead-in); each other one at its first step's
``scheduled`` time in the export's event log, to the millisecond. MP3 decoders add the
encoder's delay (LAME's is about 25 ms) before the sound, so a player that jumps to a chapter
lands just before the step's chime, never after it.
"""

from __future__ import annotations

import sys
from typing import Any

from calfkit.errors import ExportError
from calfkit.export.render import Progress, Render
from calfkit.export.text import clean
from calfkit.export.wav import holds

__all__ = ["BITRATE_KBPS", "SOUND", "write"]

SOUND = True

BITRATE_KBPS = 64
"""Constant bit rate: speech and beeps stay clear, and 22½ minutes come to about 11 MB."""

QUALITY = 2
"""LAME's algorithm choice (0 best, 9 fastest); 2 is its recommended near-best, and still
encodes 20 minutes in a few seconds."""

ALBUM = "calfkit"


def write(render: Render, path: str, *, progress: Progress | None = None) -> str:
    """Encode ``render``'s mixed track to ``path`` and tag it; say what it holds."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(render.rate)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    try:
        with open(path, "wb") as out:
            for samples in render.chunks(progress):
                if samples.itemsize != 2:
                    raise ValueError("16-bit samples expected")
                if sys.byteorder == "big":  # lameenc takes little-endian PCM
                    samples.byteswap()
                out.write(encoder.encode(samples.tobytes()))
            out.write(encoder.flush())
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    _tag(render, path)
    chapters = len(render.chapters)
    return f"{holds(render)}, {chapters} chapter{'' if chapters == 1 else 's'}"


def _in_order() -> Any:
    """An ID3 tag that writes its frames in the order they were added.

    mutagen sorts frames by their size before writing, so the chapters would reach the file
    out of time order (ffprobe and some players list them as written). This keeps mutagen's
    frame encoding (its ``save_frame``) and only drops the sort."""
    from mutagen.id3 import ID3
    from mutagen.id3._tags import save_frame

    class InOrder(ID3):
        def _write(self, config: Any) -> bytearray:
            return bytearray().join(save_frame(frame, config=config) for frame in self.values())

    return InOrder()


def _tag(render: Render, path: str) -> None:
    from mutagen.id3 import CHAP, COMM, CTOC, TALB, TIT2, TLEN, CTOCFlags

    routine = render.timeline.routine
    length_ms = round(render.seconds * 1000)
    tags = _in_order()
    tags.add(TIT2(encoding=3, text=[clean(routine.title)]))
    tags.add(TALB(encoding=3, text=[ALBUM]))
    tags.add(TLEN(encoding=3, text=[str(length_ms)]))
    if routine.caution:
        tags.add(COMM(encoding=3, lang="eng", desc="", text=[clean(routine.caution)]))
    # Zero-padded, so that they also sort in time order.
    ids = [f"chp{number:05d}" for number in range(1, len(render.chapters) + 1)]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=[clean(routine.title)])],
        )
    )
    starts = [round(chapter.at * 1000 / render.rate) for chapter in render.chapters]
    for index, (chapter, element_id) in enumerate(zip(render.chapters, ids, strict=True)):
        end = starts[index + 1] if index + 1 < len(starts) else length_ms
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=starts[index],
                end_time=end,
                sub_frames=[TIT2(encoding=3, text=[clean(chapter.title)])],
            )
        )
    try:
        tags.save(path, v2_version=4)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
