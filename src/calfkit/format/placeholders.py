"""The placeholders cue text may hold, and the one filling of them.

``{side}`` and ``{other_side}`` work inside a ``sides`` step, ``{round}`` and ``{rounds}``
inside a ``repeat`` step; the checker refuses them anywhere else. The timeline fills every
cue with :func:`fill_in` as it is played, and ``show`` fills text the same way, so what show
prints is what is played.
"""

from __future__ import annotations

from calfkit.model import Side

# Each placeholder and the block it works in.
PLACEHOLDERS: dict[str, str] = {
    "side": "sides",
    "other_side": "sides",
    "round": "repeat",
    "rounds": "repeat",
}


def fill_in(
    text: str,
    side: Side | None,
    other_side: Side | None,
    round_: int | None,
    rounds: int | None,
) -> str:
    """``text`` with each placeholder that has a value here filled in."""
    # Plain replacement, not str.format: cue text may hold other braces.
    if side is not None:
        text = text.replace("{side}", side.value)
    if other_side is not None:
        text = text.replace("{other_side}", other_side.value)
    if round_ is not None and "{round" in text:
        text = text.replace("{rounds}", str(rounds)).replace("{round}", str(round_))
    return text


def other(side: Side) -> Side:
    """The body's other side, whichever sides a block lists."""
    return Side.LEFT if side is Side.RIGHT else Side.RIGHT


def fill(
    text: str,
    *,
    side: Side | None = None,
    round_: int | None = None,
    rounds: int | None = None,
) -> str:
    """``text`` as played on ``side`` in round ``round_`` of ``rounds``, filled in as the
    timeline fills every cue: for what shows text as played without compiling a routine."""
    return fill_in(text, side, other(side) if side is not None else None, round_, rounds)
