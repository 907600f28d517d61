"""Chapters a phone can use: where a person would want to jump to in a track, with short titles.

A chapter is a top-level step, unless that step lasts more than :data:`MAX_CHAPTER_SECONDS`:
then it is split where the routine itself splits, one level at a time (its rounds, its sides,
an included routine's parts), and last into runs of steps packed in order up to that length,
a new run at each ``prepare`` step that follows another kind (a new position: the next pass on
the roller). A chapter is therefore at most two minutes long unless it is one longer step.
The first chapter starts at 0, so the lead-in (the get-ready countdown and the spoken caution)
is in it.

Titles are short names, never whole cues: the step's (or its block's) ``name:``, an included
routine's title, else the cue's first clause cut at a word (:func:`short_label`); a chapter
that is part of a block adds where it is ("Foam roll · Round 2 of 3 · Left side"), from the
innermost block with a name of its own ("Feet parallel · Round 2 of 3", in an included
routine too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calfkit.export.text import clean, cut
from calfkit.model import Routine, included
from calfkit.player.events import Event, EventKind
from calfkit.timeline import Segment, SegmentKind

__all__ = ["LABEL_BYTES", "MAX_CHAPTER_SECONDS", "Chapter", "chapter_marks", "short_label"]

MAX_CHAPTER_SECONDS = 120.0
"""The longest a chapter of several steps may be: a phone's skip button should never jump
further than two minutes' worth of the routine."""

LABEL_BYTES = 32
"""The longest title derived from a cue (a ``name:`` is used as written)."""

_SEPARATOR = " · "

# Short words a cut label should not end on ("Start walking at an").
_DANGLING = {
    "a",
    "an",
    "and",
    "at",
    "by",
    "for",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "your",
    "you",
    "from",
    "where",
}


@dataclass(frozen=True)
class Chapter:
    """A part of the track: it begins at sample ``at`` (0 for the first, which holds the
    lead-in; else its first step's event) with flat step ``step`` of top-level step ``top``."""

    top: int
    step: int
    at: int
    title: str


def short_label(text: str, limit: int = LABEL_BYTES) -> str:
    """A short label for a cue: its first clause or sentence if that fits in ``limit`` bytes,
    else its first words that fit; no closing punctuation."""
    text = clean(text)
    clause = re.match(r"(.+?)[.,;:!?](?:\s|$)", text)
    head = clause.group(1) if clause else text
    if len(head.encode("utf-8")) > limit:
        head, _ = cut(head, limit)
        words = head.split(" ")
        while len(words) > 2 and words[-1].lower() in _DANGLING:
            words.pop()
        head = " ".join(words)
    return head.rstrip(",;:.!?- ") or head


@dataclass(frozen=True)
class _Start:
    segment: Segment
    at: float  # seconds into the track


def _key(segment: Segment, level: int) -> tuple[object, ...]:
    """What ``segment`` shares with its neighbours in one group at ``level``: the top-level
    step (0), then each enclosing round, side or include (1, 2, …)."""
    return (segment.top, *segment.where[:level])


def _groups(starts: list[_Start], level: int) -> list[list[_Start]]:
    out: list[list[_Start]] = []
    for start in starts:
        if out and _key(out[-1][0].segment, level) == _key(start.segment, level):
            out[-1].append(start)
        else:
            out.append([start])
    return out


def _split(starts: list[_Start], end: float, level: int) -> list[tuple[list[_Start], int]]:
    """``starts`` (a group that ends at ``end``) as chapters, each with the level it was
    grouped at (how much of ``where`` its title says; past the deepest, a run of steps)."""
    span = end - starts[0].at
    deepest = max(len(start.segment.where) for start in starts)
    if span <= MAX_CHAPTER_SECONDS or len(starts) == 1:
        return [(starts, level)]
    if level >= deepest:
        return [(run, deepest + 1) for run in _runs(starts, end)]
    out: list[tuple[list[_Start], int]] = []
    groups = _groups(starts, level + 1)
    for index, group in enumerate(groups):
        group_end = groups[index + 1][0].at if index + 1 < len(groups) else end
        out.extend(_split(group, group_end, level + 1))
    return out


def _runs(starts: list[_Start], end: float) -> list[list[_Start]]:
    """Steps that share one place, packed in order into runs of at most
    :data:`MAX_CHAPTER_SECONDS` (a longer step is a run of its own); a ``prepare`` step after
    any other kind (a new position: the next pass on the roller) always begins a run."""
    runs: list[list[_Start]] = []
    for index, start in enumerate(starts):
        step_end = starts[index + 1].at if index + 1 < len(starts) else end
        fits = runs and step_end - runs[-1][0].at <= MAX_CHAPTER_SECONDS
        prepare = start.segment.kind is SegmentKind.PREPARE
        after_prepare = index > 0 and starts[index - 1].segment.kind is SegmentKind.PREPARE
        if fits and (not prepare or after_prepare):
            runs[-1].append(start)
        else:
            runs.append([start])
    return runs


def _top_title(routine: Routine, segment: Segment) -> tuple[str, bool]:
    """The title of ``segment``'s top-level step, and whether it is a name (the step's
    ``name:`` or an included routine's title) rather than a label made from its cue."""
    step = routine.steps[segment.top - 1]
    if step.name:
        return clean(step.name), True
    include = included(step)
    if include is not None:
        return clean(include.routine.title), True
    return short_label(segment.text), False


def _title(routine: Routine, starts: list[_Start], level: int) -> str:
    """Where the chapter is and what it is: a named top-level step's name, then its round,
    side or include ("Hip to Heel Press · Right side"); for steps inside a block, or a block
    with no name, the place first and then the name or short label of its first step
    ("Right side · Pass 1, straight")."""
    first = starts[0].segment
    base, named = _top_title(routine, first)
    if level > len(first.where):
        own = clean(first.name) if first.name else ""
        where = [part for part in first.where if part != base]
        label = own if own and own != base and own not in where else short_label(first.text)
        parts = [*_from_named_block(first, len(first.where), where, base), label]
    elif named:
        parts = _from_named_block(first, level, [base, *first.where[:level]], base)
    else:
        parts = _from_named_block(first, level, [*first.where[:level], base], base)
    return _SEPARATOR.join(dict.fromkeys(part for part in parts if part))


def _from_named_block(segment: Segment, level: int, parts: list[str], top: str) -> list[str]:
    """``parts``, or, where a block among the first ``level`` places has a ``name:`` of its
    own (other than ``top``, the top-level step's title), that name and the places from it
    inwards: "Feet parallel · Round 2 of 3" rather than an included routine's title and a
    round that its other blocks also have."""
    for depth in range(min(level, len(segment.blocks)) - 1, -1, -1):
        name = clean(segment.blocks[depth])
        if name and name != top and name not in segment.where:
            return [name, *segment.where[depth:level]]
    return parts


def chapter_marks(events: list[Event], rate: int, length: int) -> list[Chapter]:
    """The chapters of a track ``length`` samples long whose session emitted ``events``."""
    starts: list[_Start] = []
    seen: set[int] = set()
    routine: Routine | None = None
    for event in events:
        if event.kind is EventKind.START and event.timeline is not None:
            routine = event.timeline.routine
        if event.kind not in (EventKind.STEP, EventKind.SWITCH) or event.segment is None:
            continue
        if event.step in seen:
            continue
        seen.add(event.step)
        starts.append(_Start(event.segment, event.scheduled))
    if routine is None or not starts:
        return []
    end = length / rate
    chapters: list[Chapter] = []
    tops = _groups(starts, 0)
    for index, top in enumerate(tops):
        top_end = tops[index + 1][0].at if index + 1 < len(tops) else end
        for group, level in _split(top, top_end, 0):
            first = group[0]
            at = 0 if not chapters else round(first.at * rate)
            title = _title(routine, group, level)
            chapters.append(Chapter(first.segment.top, first.segment.index, at, title))
    return chapters
