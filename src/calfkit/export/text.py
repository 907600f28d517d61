"""Routine text made fit for a file's tags and a watch's small screen.

Tags and watch fields are shown by other programs, so control characters (C0 and C1) never
go into them, and runs of whitespace (newlines included) become one space.
"""

from __future__ import annotations

from calfkit.text import one_line

__all__ = ["clean", "cut"]


def clean(text: str) -> str:
    """``text`` on one line, with no control characters (calfkit's one cleaner,
    :func:`calfkit.text.one_line`), and runs of whitespace made one space."""
    return " ".join(one_line(text).split())


def cut(text: str, limit: int) -> tuple[str, str]:
    """``text`` cut at a word to at most ``limit`` bytes of UTF-8, and the rest.

    A first word longer than ``limit`` is cut inside it (at a character), so something is
    always shown.
    """
    text = clean(text)
    if len(text.encode("utf-8")) <= limit:
        return text, ""
    words = text.split(" ")
    head = ""
    for index, word in enumerate(words):
        candidate = f"{head} {word}" if head else word
        if len(candidate.encode("utf-8")) > limit:
            if not head:
                head = _bytes_cut(word, limit)
                return head, text[len(head) :].strip()
            return head, " ".join(words[index:])
        head = candidate
    return head, ""


def _bytes_cut(word: str, limit: int) -> str:
    out = ""
    for char in word:
        if len((out + char).encode("utf-8")) > limit:
            break
        out += char
    return out
