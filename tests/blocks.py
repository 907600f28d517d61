"""Reading block digits back off a screen: the live view's countdown, count or breath as text.

The lines of a screen (from rich's recording console or from pyte) are turned back into the
pixels they draw (each cell is two half-rows: ``█`` both, ``▀`` the top, ``▄`` the bottom),
the scale is worked out from the height, every pixel is checked to be a whole ``scale`` x
``scale`` square, and each glyph between blank columns is matched against the font.
"""

from __future__ import annotations

from calfkit.sinks.digits import GLYPHS, HEIGHT

BLOCKS = "█▀▄"


def block_runs(lines: list[str]) -> list[list[str]]:
    """Each run of consecutive lines holding block characters (and nothing else but spaces)."""
    runs: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        body = line.strip()
        if body and all(char in BLOCKS or char == " " for char in body):
            current.append(line)
        elif current:
            runs.append(current)
            current = []
    return runs


def decode(run: list[str]) -> tuple[str, int]:
    """The text a run of block lines draws, and its scale."""
    width = max(len(line) for line in run)
    half: list[list[bool]] = []
    for line in run:
        line = line.ljust(width)
        half.append([char in "█▀" for char in line])
        half.append([char in "█▄" for char in line])
    on_rows = [y for y, row in enumerate(half) if any(row)]
    on_cols = [x for x in range(width) if any(row[x] for row in half)]
    top, left = on_rows[0], on_cols[0]
    height = on_rows[-1] - top + 1
    assert height % HEIGHT == 0, f"{height} half-rows is not a whole scale"
    scale = height // HEIGHT
    columns = (on_cols[-1] - left + 1) // scale
    assert (on_cols[-1] - left + 1) % scale == 0
    pixels = [[False] * columns for _ in range(HEIGHT)]
    for y in range(HEIGHT):
        for x in range(columns):
            square = {
                half[top + y * scale + dy][left + x * scale + dx]
                for dy in range(scale)
                for dx in range(scale)
            }
            assert len(square) == 1, f"pixel {x},{y} is not a whole {scale}x{scale} square"
            pixels[y][x] = square.pop()
    text = ""
    x = 0
    by_shape = {glyph: char for char, glyph in GLYPHS.items() if char != " "}
    while x < columns:
        if not any(pixels[y][x] for y in range(HEIGHT)):
            blank = x
            while x < columns and not any(pixels[y][x] for y in range(HEIGHT)):
                x += 1
            if x - blank >= 3:  # a gap, the space glyph, a gap
                text += " "
            continue
        start = x
        while x < columns and any(pixels[y][x] for y in range(HEIGHT)):
            x += 1
        shape = tuple(tuple(pixels[y][start:x]) for y in range(HEIGHT))
        assert shape in by_shape, f"no glyph has the shape at pixel column {start}"
        text += by_shape[shape]
    return text, scale


def read_digits(lines: list[str]) -> list[tuple[str, int]]:
    """Every block-digit text on the screen, top to bottom, with its scale."""
    return [decode(run) for run in block_runs(lines)]
