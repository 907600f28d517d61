"""Text that is safe to put in front of a person: no control characters, so no escape sequences.

Routine files are written by anyone (a shared ``CALFKIT_PATH`` folder, a file from the web),
and a terminal obeys the control characters in what it is sent: ESC starts sequences that
set the window title, hide the cursor, write the clipboard (OSC 52) or make links (OSC 8),
and in 8-bit mode U+009B alone is CSI. So routine text never reaches an output raw:

- the loader removes control characters from every text value as it builds the model (and
  ``validate`` warns where a file holds them), and
- everything that writes routine text (``list``, ``show``, the live view, plain lines, the
  speech engine, history, export tags) passes it through :func:`clean` at the point it is
  written, for text that did not come through the loader (an old history row, a cache).

Paths and arguments that calfkit echoes (in errors, warnings, "Wrote …", a starter routine's
comments) go through :func:`shown`, which writes the same characters as visible escapes
(``\x1b``) instead of dropping them, so that a file with such a name can still be found.

This module is the bottom of the import layers: anything may import it, it imports nothing of
calfkit's.
"""

from __future__ import annotations

import re

# What a name may be (a routine's name, a tag): a slug. The one rule, here at the bottom of
# the layers so that looking a name up (every `calfkit list`) never loads the format's
# declarations; calfkit.format.spec declares the format with it.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")

# C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F, among them the
# 8-bit CSI U+009B, OSC U+009D and ST U+009C). Newline and tab are kept only where asked for.
# Also the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
# a terminal that lays out bidi text keeps them in force to the end of the line, so one in a
# title reverses the rest of its `list` row ("Trojan Source"). The marks LRM, RLM and ALM,
# which right-to-left text may need and which change no state, are kept.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_BUT_LAYOUT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BS",
    0x09: "TAB",
    0x0A: "LF",
    0x0D: "CR",
    0x1B: "ESC",
    0x7F: "DEL",
    0x9B: "CSI",
    0x9C: "ST",
    0x9D: "OSC",
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}


def clean(text: str, *, layout: bool = False) -> str:
    """``text`` without control characters (C0, DEL, C1, the bidi overrides and isolates).

    With ``layout``, newlines and tabs are kept (a description or a note may be written in
    several lines); without it they go too, for text that must stay on one line. A control
    character is removed, not replaced: an escape sequence's printable tail (``]0;title``)
    may remain as harmless text, which shows that something was there.
    """
    pattern = _CONTROL_BUT_LAYOUT if layout else _CONTROL
    if text.isprintable() or not pattern.search(text):
        return text
    return pattern.sub("", text)


def shown(value: object) -> str:
    # A raw docstring: as a plain one, its \udcff was a lone surrogate, which Python 3.13.0's
    # compiler cannot encode (every import of calfkit failed there).
    r"""A path or an argument as a message shows it: on one line, every character that is not
    printable written as an escape (``nofile\x1b]0;x\x07.yaml``, ``\u202e``).

    That takes in everything :func:`clean` removes and more: line breaks, the invisible
    formatting characters, and the lone surrogates that stand for a file name's bytes that
    are not UTF-8 (``\udcff``), which no terminal or UTF-8 file could be sent. Bytes are
    read as file names are (:func:`os.fsdecode`).
    """
    if isinstance(value, bytes):
        import os

        value = os.fsdecode(value)
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def one_line(text: str) -> str:
    """``text`` on one line: control characters removed, newlines and tabs made spaces."""
    return clean(text.replace("\n", " ").replace("\t", " ").replace("\r", " "))


# The version of what `list --json` and `show --json` print (docs/json.md), in every object as
# "format_version". Fields may be added within a version; one that changes meaning or goes
# away makes a new version.
JSON_FORMAT_VERSION = 1


def json_safe(text: str) -> str:
    """JSON text with DEL and the C1 controls written as ``\\u`` escapes too.

    ``json.dumps`` escapes C0 always but, with ``ensure_ascii=False``, writes DEL and C1
    (U+009B, 8-bit CSI) as they are. In JSON text they can only be inside strings, where an
    escape means the same: the data is unchanged, the terminal is safe.
    """
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f]")


def first_control(text: str, *, layout: bool = True) -> str | None:
    """The first control character in ``text`` (newline and tab allowed with ``layout``)."""
    pattern = _CONTROL_BUT_LAYOUT if layout else _CONTROL
    match = pattern.search(text)
    return None if match is None else match.group()


def control_name(char: str) -> str:
    """A control character as a message names it: ``U+001B (ESC)``."""
    code = ord(char)
    name = _NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


# -- how many terminal columns text takes ---------------------------------------------------
# A grapheme cluster (what a person sees as one character: "é" written as e and a combining
# accent, a flag, a family of four joined by zero-width joiners, a Hangul syllable written in
# jamo) takes its columns as one, and is never cut in two. The rules are UAX #29's, as far as
# terminals follow them; no table beyond Python's own unicodedata is needed, so `list` stays
# fast to start.

_ZWJ = "\u200d"
_VS16 = "\ufe0f"  # asks for the emoji (two-column) form of what it follows
# Hangul jamo: leading consonants (two columns, as a syllable), then vowels and trailing
# consonants, which join the syllable before them and take no columns of their own.
_HANGUL_L = ((0x1100, 0x115F), (0xA960, 0xA97F))
_HANGUL_VT = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF))
# Characters that show nothing though they are not marks or formats: the Hangul fillers, the
# Mongolian vowel separator and the blank Braille pattern.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u180e\u2800")


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _joins(previous: str, char: str, cluster: str) -> bool:
    """Whether ``char`` belongs to the cluster that ``previous`` (its last character) ends."""
    import unicodedata

    code = ord(char)
    if unicodedata.category(char) in ("Mn", "Me", "Mc") or char in (_ZWJ, "\u200c"):
        return True  # combining marks, variation selectors (Mn), the joiners
    if 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # skin tones, and the tags of a subdivision flag
    if previous == _ZWJ and len(cluster) > 1 and _pictograph(cluster[0]):
        return _pictograph(char)  # 👨‍👩‍👧: pictographs joined into one
    if _in(code, _HANGUL_VT):
        before = ord(previous)
        return _in(before, _HANGUL_L) or _in(before, _HANGUL_VT) or 0xAC00 <= before <= 0xD7A3
    if _in(code, _HANGUL_L) or 0xAC00 <= code <= 0xD7A3:
        return _in(ord(previous), _HANGUL_L)
    if 0x1F1E6 <= code <= 0x1F1FF:  # regional indicators: two make a flag
        pairs = sum(1 for c in cluster if 0x1F1E6 <= ord(c) <= 0x1F1FF)
        return pairs == 1 and len(cluster) == 1
    return False


def _pictograph(char: str) -> bool:
    import unicodedata

    code = ord(char)
    return code >= 0x1F000 or (unicodedata.category(char) == "So" and code >= 0x2000)


def graphemes(text: str) -> list[str]:
    """``text`` split into grapheme clusters (what is seen as one character each)."""
    clusters: list[str] = []
    for char in text:
        if clusters and _joins(clusters[-1][-1], char, clusters[-1]):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _cluster_cells(cluster: str) -> int:
    import unicodedata

    base = cluster[0]
    if base in _BLANK or unicodedata.category(base) in ("Mn", "Me", "Cf", "Cc"):
        # Nothing of its own to show (a zero-width space, a stray mark): a stray mark still
        # sits on a cell of its own in terminals; formats and blanks take none.
        return 0 if base in _BLANK or unicodedata.category(base) in ("Cf", "Cc") else 1
    if len(cluster) > 1 and (
        _VS16 in cluster or _ZWJ in cluster or 0x1F1E6 <= ord(base) <= 0x1F1FF
    ):
        return 2  # emoji form, a joined sequence, a flag
    if unicodedata.east_asian_width(base) in ("W", "F") or _in(ord(base), _HANGUL_L):
        return 2
    return 1


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes, a grapheme cluster at a time."""
    if text.isascii():
        return len(text)
    return sum(_cluster_cells(cluster) for cluster in graphemes(text))


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending in "…" if anything was cut; never inside a
    grapheme cluster."""
    if cells(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for cluster in graphemes(text):
        size = _cluster_cells(cluster)
        if used + size > width - 1:
            break
        kept.append(cluster)
        used += size
    return "".join(kept).rstrip() + "…"


# Formats, controls, marks on their own, separators, and code points with no glyph.
_SHOWS_NOTHING = ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp", "Co", "Cn", "Cs")


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only spaces, zero-width and formatting characters,
    combining marks with nothing to sit on, or characters that draw blank (U+3164)."""
    import unicodedata

    return all(
        char.isspace()
        or char in _BLANK
        or unicodedata.category(char)
        in ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp", "Co", "Cn", "Cs")
        for char in text
    )


# calfkit's own drawing characters as one character each that any terminal can show, for a
# terminal that is not UTF-8 (LANG=C, a Latin-1 locale): the live view's block digits must
# still read from the floor ("#", not "?"), and its bar, separators and ellipses must keep
# their width so the layout holds; typographic dashes and quotes get their plain forms. Anything
# else that cannot be shown becomes "?".
_FALLBACK = {
    "\u2588": "#",  # █  the digits' full cell
    "\u2580": "#",  # ▀  and half cells: a pixel either way
    "\u2584": "#",  # ▄
    "\u2593": "x",  # ▓  the history calendar's shades, darkest to lightest
    "\u2592": "+",  # ▒
    "\u2591": ":",  # ░
    "\u2501": "=",  # ━  the progress bar, done
    "\u2500": "-",  # ─  and to do
    "\u00b7": "-",  # ·  the separator between items
    "\u2192": ">",  # →  the arrow keys, in the keys' help
    "\u2190": "<",  # ←
    "\u2026": ".",  # …  an ellipsis, in one cell as it was measured
    "\u2014": "-",  # —  em dash
    "\u2013": "-",  # –  en dash
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}


def fallback(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler (``codecs.register_error``) that writes :data:`_FALLBACK`'s
    stand-in for each character the output's encoding lacks, and ``?`` for any other."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(_FALLBACK.get(char, "?") for char in chunk), error.end
