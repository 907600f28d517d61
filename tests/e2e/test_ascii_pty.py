"""The live view on a terminal that is not UTF-8 (LANG=C, as on a bare server or a serial
console): calfkit's own block digits, bar and separators fall back to ASCII that reads from the
floor, instead of rows of "?"."""

from __future__ import annotations

import pytest
from pty_session import Player
from tests.blocks import read_digits

pytestmark = pytest.mark.pty

NOT_UTF8 = {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}

HOLD = "title: Plain terminal\nsteps:\n  - hold: Lean into the wall\n    duration: 20\n"


@pytest.fixture
def player(player: Player) -> Player:
    """conftest's player, with the locale left to each test (no UTF-8 forced on)."""
    for name in ("PYTHONIOENCODING", "LC_CTYPE"):
        player.env.pop(name, None)
    return player


def test_the_countdown_reads_in_ascii_on_a_terminal_that_is_not_utf8(player: Player) -> None:
    # 20 lines: the digits come out at scale 2, whole cells only, so "#" draws them exactly.
    session = player.start(player.routine(HOLD), "--lead-in", "0", lines=20, **NOT_UTF8)

    def ascii_digits() -> list[str]:
        shown = [line.replace("#", "\u2588") for line in session.screen.display]
        try:
            return [text for text, _ in read_digits(shown)]
        except AssertionError:  # a frame half-way through the pty
            return []

    session.wait_for(lambda _: any(text.startswith("00:1") for text in ascii_digits()))
    screen = session.screen.text
    assert "?" not in screen.replace("? keys", ""), screen  # the help key is a real "?"
    assert "Lean into the wall" in screen
    assert " left" in screen and "space pause - n next" in screen
    bar = next(line for line in screen.splitlines() if line.rstrip().endswith(" left"))
    assert set(bar.split()[0]) <= set("=-"), bar
    session.press("q")
    assert session.finish() == 0
    assert "?" not in session.screen.text
