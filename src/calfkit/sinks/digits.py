"""Block digits for the live view: text such as ``00:06``, ``7 of 10`` or ``in 3`` drawn large
enough to read from the floor, two metres from the screen.

Each glyph is a small bitmap 5 pixels tall. At scale ``s`` a pixel is ``s`` columns wide and
``s`` half-rows tall, and two half-rows share a character cell (``█``, ``▀``, ``▄``), so text
at scale ``s`` is ``ceil(5 * s / 2)`` rows tall: 3 rows at scale 1, 5 at 2, 10 at 4. A cell is
about twice as tall as it is wide, so glyphs keep their shape at every scale.

Pure Python, nothing but the standard library: the view can size and draw a frame without
touching rich.
"""

from __future__ import annotations

import functools

HEIGHT = 5  # pixels; every glyph has this many rows

# "#" is a pixel on. Glyphs are as narrow as their shape allows (":" and "i" are 1 wide).
_FONT: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "/": ("..#", "..#", ".#.", "#..", "#.."),
    "+": ("...", ".#.", "###", ".#.", "..."),
    "-": ("...", "...", "###", "...", "..."),
    " ": (".", ".", ".", ".", "."),
    "i": ("#", ".", "#", "#", "#"),
    "n": ("...", "##.", "#.#", "#.#", "#.#"),
    "o": ("...", "###", "#.#", "#.#", "###"),
    "f": (".##", "#..", "###", "#..", "#.."),
    "u": ("...", "#.#", "#.#", "#.#", "###"),
    "t": (".#.", "###", ".#.", ".#.", ".##"),
}

GLYPHS: dict[str, tuple[tuple[bool, ...], ...]] = {
    char: tuple(tuple(pixel == "#" for pixel in row) for row in rows)
    for char, rows in _FONT.items()
}

# (top half on, bottom half on) -> the character that draws it
_CELL = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def can_draw(text: str) -> bool:
    """Whether every character of ``text`` has a glyph."""
    return all(char in GLYPHS for char in text)


def rows(scale: int) -> int:
    """How many terminal rows text at ``scale`` takes."""
    return -(-HEIGHT * scale // 2)


def width(text: str, scale: int) -> int:
    """How many columns ``text`` takes at ``scale`` (one blank pixel between glyphs)."""
    if not text:
        return 0
    pixels = sum(len(GLYPHS[char][0]) for char in text) + len(text) - 1
    return pixels * scale


def pixels(text: str) -> list[list[bool]]:
    """The bitmap of ``text`` at scale 1: HEIGHT rows of pixels, a blank column between glyphs."""
    grid: list[list[bool]] = [[] for _ in range(HEIGHT)]
    for n, char in enumerate(text):
        glyph = GLYPHS[char]
        for y in range(HEIGHT):
            if n:
                grid[y].append(False)
            grid[y].extend(glyph[y])
    return grid


def render(text: str, scale: int) -> list[str]:
    """``text`` drawn in block characters at ``scale``: ``rows(scale)`` lines, each
    ``width(text, scale)`` characters long. Raises KeyError for a character with no glyph."""
    if scale < 1:
        raise ValueError(f"scale must be 1 or more, not {scale}")
    return list(_render(text, scale))


# The view redraws the same text at the same scale several times a second (a count, a paused
# countdown, a resize); the large scales are thousands of cells.
@functools.lru_cache(maxsize=32)
def _render(text: str, scale: int) -> tuple[str, ...]:
    grid = pixels(text)
    half_rows = [[on for on in row for _ in range(scale)] for row in grid for _ in range(scale)]
    if len(half_rows) % 2:
        half_rows.append([False] * (len(half_rows[0]) if half_rows else 0))
    return tuple(
        "".join(_CELL[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(half_rows[0::2], half_rows[1::2], strict=True)
    )


def largest_scale(text: str, columns: int, lines: int, *, most: int = 12) -> int:
    """The largest scale (at most ``most``) at which ``text`` fits ``columns`` x ``lines``;
    0 when it does not fit even at scale 1."""
    best = 0
    for scale in range(1, most + 1):
        if width(text, scale) > columns or rows(scale) > lines:
            break
        best = scale
    return best
