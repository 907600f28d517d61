"""The block-digit font: every glyph's shape and width, the half-block rows, and fitting."""

from __future__ import annotations

import pytest

from calfkit.sinks import digits
from tests.blocks import decode

# Every glyph as it should look at scale 2 (5 rows, a pixel two columns wide), drawn by hand.
SHAPES = {
    "0": ["██████", "██  ██", "██  ██", "██  ██", "██████"],
    "1": ["  ██  ", "████  ", "  ██  ", "  ██  ", "██████"],
    "2": ["██████", "    ██", "██████", "██    ", "██████"],
    "3": ["██████", "    ██", "██████", "    ██", "██████"],
    "4": ["██  ██", "██  ██", "██████", "    ██", "    ██"],
    "5": ["██████", "██    ", "██████", "    ██", "██████"],
    "6": ["██████", "██    ", "██████", "██  ██", "██████"],
    "7": ["██████", "    ██", "    ██", "    ██", "    ██"],
    "8": ["██████", "██  ██", "██████", "██  ██", "██████"],
    "9": ["██████", "██  ██", "██████", "    ██", "██████"],
    ":": ["  ", "██", "  ", "██", "  "],
    "/": ["    ██", "    ██", "  ██  ", "██    ", "██    "],
    "+": ["      ", "  ██  ", "██████", "  ██  ", "      "],
    "-": ["      ", "      ", "██████", "      ", "      "],
    " ": ["  ", "  ", "  ", "  ", "  "],
    "i": ["██", "  ", "██", "██", "██"],
    "n": ["      ", "████  ", "██  ██", "██  ██", "██  ██"],
    "o": ["      ", "██████", "██  ██", "██  ██", "██████"],
    "f": ["  ████", "██    ", "██████", "██    ", "██    "],
    "u": ["      ", "██  ██", "██  ██", "██  ██", "██████"],
    "t": ["  ██  ", "██████", "  ██  ", "  ██  ", "  ████"],
}


def test_the_font_has_exactly_the_glyphs_drawn_here() -> None:
    assert set(digits.GLYPHS) == set(SHAPES)


@pytest.mark.parametrize("char", sorted(SHAPES))
def test_each_glyph_has_its_shape_and_width(char: str) -> None:
    assert digits.render(char, 2) == SHAPES[char]
    assert digits.width(char, 2) == len(SHAPES[char][0])
    assert digits.width(char, 1) * 2 == len(SHAPES[char][0])


@pytest.mark.parametrize("char", sorted(SHAPES))
@pytest.mark.parametrize("scale", [1, 2, 3, 4, 5, 7])
def test_each_glyph_reads_back_at_every_scale(char: str, scale: int) -> None:
    text = f"8{char}8"  # between two full-height glyphs, so blank rows and columns count
    lines = digits.render(text, scale)
    assert len(lines) == digits.rows(scale)
    assert {len(line) for line in lines} == {digits.width(text, scale)}
    assert decode(lines) == (text, scale)


def test_scale_one_packs_two_pixel_rows_into_each_line_with_half_blocks() -> None:
    assert digits.render("0", 1) == ["█▀█", "█ █", "▀▀▀"]
    assert digits.render("7", 1) == ["▀▀█", "  █", "  ▀"]
    assert digits.render("1:", 1) == ["▄█  ▄", " █  ▄", "▀▀▀  "]


def test_rows_are_ceil_of_five_half_rows_per_scale() -> None:
    assert [digits.rows(scale) for scale in range(1, 7)] == [3, 5, 8, 10, 13, 15]


def test_glyphs_are_one_blank_pixel_apart() -> None:
    assert digits.render("00", 2)[1] == "██  ██  ██  ██"
    assert digits.width("00:06", 1) == 3 + 1 + 3 + 1 + 1 + 1 + 3 + 1 + 3
    assert digits.width("", 3) == 0


def test_the_largest_scale_that_fits() -> None:
    assert digits.largest_scale("00:06", 34, 5) == 2  # 34 columns, 5 rows
    assert digits.largest_scale("00:06", 33, 5) == 1
    assert digits.largest_scale("00:06", 200, 4) == 1
    assert digits.largest_scale("00:06", 10, 20) == 0
    assert digits.largest_scale("00:06", 1000, 1000, most=6) == 6


def test_text_without_a_glyph_is_not_drawn() -> None:
    assert digits.can_draw("12:34 / 5")
    assert not digits.can_draw("breath")
    with pytest.raises(KeyError):
        digits.render("x", 1)
    with pytest.raises(ValueError, match="scale"):
        digits.render("1", 0)


def test_drawing_the_digits_imports_no_third_party_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys; before = set(sys.modules)\n"
        "from calfkit.sinks import digits; digits.render('12:34', 3)\n"
        "new = set(sys.modules) - before\n"
        "print(sorted(m for m in new if m.split('.')[0] not in sys.stdlib_module_names"
        " and not m.startswith('calfkit')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.strip() == "[]"
