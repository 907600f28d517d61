"""``calfkit.text``: what may reach a terminal, for routine text and for paths and arguments."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from calfkit.text import clean, shown


def test_shown_writes_escapes_for_what_clean_removes_and_keeps_printable_text() -> None:
    assert shown("nofile\x1b]0;PWN\x07\x9b2J\u202e.yaml") == (
        "nofile\\x1b]0;PWN\\x07\\x9b2J\\u202e.yaml"
    )
    assert shown("Wadenmassage – Ünterschenkel.yaml") == "Wadenmassage – Ünterschenkel.yaml"
    assert shown("two\nlines\ttab") == "two\\nlines\\ttab"


def test_shown_takes_paths_and_bytes_that_are_not_utf8() -> None:
    assert shown(os.fsdecode(b"/tmp/conf\xff/x.yaml")) == "/tmp/conf\\udcff/x.yaml"
    assert shown(b"/tmp/conf\xff") == "/tmp/conf\\udcff"
    from pathlib import Path

    assert shown(Path("/tmp/a\x1bb")) == "/tmp/a\\x1bb"


@given(st.text())
def test_what_shown_gives_is_printable_utf8_on_one_line(text: str) -> None:
    out = shown(text)
    assert out.isprintable()
    out.encode("utf-8")  # no lone surrogate left
    assert clean(out) == out  # nothing the routine-text cleaner would take out
    if text.isprintable():
        assert out == text
