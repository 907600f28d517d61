"""The routine format, version 1, declared once: keys, step kinds, value types, limits, help.

The validator (:mod:`calfkit.format.check`) and the JSON Schema (:mod:`calfkit.format.schema`)
both walk these declarations, so the two cannot drift apart. Value types are plain frozen
dataclasses; each knows how to say what it expects, for messages and for schema descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calfkit.exercises import EXERCISES
from calfkit.model import (
    DEFAULT_COUNT_EVERY,
    DEFAULT_COUNTDOWN,
    DEFAULT_DOWN,
    DEFAULT_EXHALE,
    DEFAULT_INHALE,
    DEFAULT_LANGUAGE,
    DEFAULT_PREPARE_SECONDS,
    DEFAULT_REST_CUE,
    DEFAULT_SWITCH_SECONDS,
    DEFAULT_UP,
    FORMAT_VERSION,
    MAX_EVENTS,
    MAX_NESTING,
    MAX_STEP_SECONDS,
    MAX_TOTAL_SECONDS,
    Kind,
    Side,
    unreachable,
)
from calfkit.text import SLUG_PATTERN as SLUG_PATTERN  # the one slug rule
from calfkit.text import SLUG_RE as SLUG_RE

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# 45s, 1.5s, 2m, 1m30s, 1h, 1h30m ... (units in order, at least one), or m:ss.
DURATION_PATTERN = (
    rf"^(?=[0-9])(?:({_NUMBER})h)?(?:({_NUMBER})m)?(?:({_NUMBER})s)?$|^([0-9]+):([0-5][0-9])$"
)
_DURATION_RE = re.compile(DURATION_PATTERN)
INCLUDE_PATTERN = r"^(?:[a-z0-9][a-z0-9-]*|.+\.ya?ml)$"
READY = "ready"
# ready and a time for where nobody presses Enter: "ready 20s", "ready 1m", "ready 1:30".
READY_WITH_TIME_PATTERN = (
    rf"^ready (?:(?=[0-9])(?:{_NUMBER}h)?(?:{_NUMBER}m)?(?:{_NUMBER}s)?|[0-9]+:[0-5][0-9])$"
)

KEY_WORDS_RE = re.compile(
    r"(?i)\b(?:enter|space ?bar|keyboard|return key)\b"
    r"|\bpress(?:es|ing)?\s+(?:the\s+)?(?:return|space|lap|any key|a key|[a-z+](?![\w+]))"
    r"|(?:^|\s)\+(?=\s|$|[.,;:!?])"
)
"""Words in a cue, note, name or caution that name a key (Enter, the space bar, "press +",
"press lap"): tracks and watches have no keys, so calfkit says how a step waits itself, per
medium, and ``validate`` warns where routine text says it."""
SIDE_VARIABLES = ("{side}", "{other_side}")


def ready_seconds(value: str) -> float | None:
    """The time a ``duration: ready 20s`` gives its step where nobody presses Enter (a track,
    a piped session), or None for a plain ``ready`` (the default then)."""
    if value == READY:
        return None
    return parse_duration_text(value[len(READY) + 1 :])


def parse_duration_text(text: str) -> float | None:
    """Seconds for a duration written as text (``45s``, ``1m30s``, ``1:30``), else None."""
    # fullmatch: the pattern's "$" also matches before a final newline, so "5s\n" (a block
    # scalar) passed here while the JSON Schema, whose "$" does not, refuses it in editors.
    match = _DURATION_RE.fullmatch(text)
    if match is None:
        return None
    hours, minutes, secs, clock_minutes, clock_seconds = match.groups()
    if clock_minutes is not None:
        # float, not int: a 5,000-digit minute count must not reach int()'s digit limit.
        return float(clock_minutes) * 60.0 + int(clock_seconds)
    if hours is None and minutes is None and secs is None:
        return None
    return float(hours or 0) * 3600 + float(minutes or 0) * 60 + float(secs or 0)


# ---- value types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Non-empty text, optionally capped in length."""

    max_length: int | None = None

    @property
    def expected(self) -> str:
        if self.max_length is None:
            return "text"
        return f"text of at most {self.max_length} characters"


@dataclass(frozen=True)
class Slug:
    """A lowercase name made of letters, digits and dashes."""

    max_length: int | None = None

    @property
    def expected(self) -> str:
        limit = f", at most {self.max_length} characters" if self.max_length else ""
        return (
            "a slug: lowercase letters, digits and dashes, starting with a letter or digit"
            f"{limit} (like calf-release)"
        )


LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")


@dataclass(frozen=True)
class Language:
    """A BCP 47 language tag: a 2- or 3-letter language, then optional subtags."""

    @property
    def expected(self) -> str:
        return "a BCP 47 language tag like en, en-GB or de"


@dataclass(frozen=True)
class Duration:
    """Seconds as a number, or text like ``45s`` / ``1m30s`` / ``1:30``."""

    ready: bool = False  # ``ready`` (wait for Enter) is allowed
    zero: bool = False  # ``0`` is allowed and means none

    @property
    def expected(self) -> str:
        text = 'a duration like 30, 45s, 1m30s or "1:30"'
        if self.ready:
            text += ", or ready"
        if self.zero:
            text += ", or 0 for none"
        return text


@dataclass(frozen=True)
class WholeNumber:
    minimum: int
    maximum: int | None = None

    @property
    def expected(self) -> str:
        if self.maximum is None:
            return f"a whole number, {self.minimum} or more"
        return f"a whole number from {self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class Version:
    value: int = FORMAT_VERSION

    @property
    def expected(self) -> str:
        return f"{self.value} (the routine format version)"


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of names."""

    values: tuple[str, ...]

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True)
class ListOf:
    item: Text | Slug

    @property
    def expected(self) -> str:
        if isinstance(self.item, Slug):
            return "a list of slugs (like [wall, roller])"
        return "a list of text"


@dataclass(frozen=True)
class SideList:
    @property
    def expected(self) -> str:
        return "a list of sides like [right, left]"


@dataclass(frozen=True)
class Steps:
    @property
    def expected(self) -> str:
        return "a non-empty list of steps"


@dataclass(frozen=True)
class RoutineRef:
    @property
    def expected(self) -> str:
        return "a routine name like calf-release, or a path ending .yaml or .yml"


ValueType = (
    Text
    | Choice
    | Slug
    | Language
    | Duration
    | WholeNumber
    | Version
    | ListOf
    | SideList
    | Steps
    | RoutineRef
)


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its name, value type, whether it is required, and help."""

    name: str
    type: ValueType
    description: str
    required: bool = False
    default: object = None


@dataclass(frozen=True)
class StepKind:
    """A kind of step: its kind key, the value that key takes, and the other keys it takes."""

    kind: Kind
    value: ValueType
    description: str
    keys: tuple[Key, ...] = ()
    nests: bool = False  # repeat, sides and routine count toward the nesting limit

    @property
    def key(self) -> str:
        """The kind key, as written in a routine file."""
        return self.kind.value

    def all_keys(self) -> tuple[Key, ...]:
        return (*self.keys, *COMMON_STEP_KEYS)


# ---- the format ----------------------------------------------------------------------------

SIDES = tuple(side.value for side in Side)
KINDS_TEXT = ", ".join(kind.value for kind in tuple(Kind)[:-1]) + f" or {tuple(Kind)[-1].value}"
"""The kind keys, for messages: "prepare, do, ... or routine"."""

TOP_KEYS: tuple[Key, ...] = (
    Key("calfkit", Version(), "The routine format version. Only 1 exists."),
    Key(
        "name",
        Slug(64),
        "The routine's name, used on the command line (calfkit play NAME). "
        "The file name (without .yaml/.yml) is the routine's name; a name that differs "
        "from it is a warning.",
    ),
    Key("title", Text(80), "The routine's title, as people read it.", required=True),
    Key("description", Text(), "What the routine is for and what it does."),
    Key("tags", ListOf(Slug()), "Slugs to find the routine by (calfkit list --tag TAG)."),
    Key("equipment", ListOf(Text()), "What you need, like a wall, a rolled mat or a foam roller."),
    Key(
        "caution",
        Text(),
        "A safety note, shown and spoken before the first step; an included routine's "
        "caution is shown and spoken when its part begins.",
    ),
    Key(
        "language",
        Language(),
        "The language of the cues, as a BCP 47 tag (en, en-GB, de): it picks the speech voice.",
        default=DEFAULT_LANGUAGE,
    ),
    Key(
        "steps",
        Steps(),
        f"The steps, played in order. Each step has exactly one kind key: {KINDS_TEXT}. "
        "Cue text may use placeholders: {side} and {other_side} inside a sides step, "
        "{round} and {rounds} inside a repeat step (an error anywhere else).",
        required=True,
    ),
)

COMMON_STEP_KEYS: tuple[Key, ...] = (
    Key(
        "name",
        Text(80),
        "A short label for the step: a watch shows its first 15 characters, an MP3 chapter "
        "uses it as its title.",
    ),
    Key("note", Text(), "A second line shown under the cue."),
    Key(
        "exercise",
        Choice(tuple(EXERCISES)),
        "What exercise the step is, for a watch workout's exercise category and name; a block's "
        "is every step's inside it that names none.",
    ),
)

_DURATION_HELP = 'Seconds (45, 1.5) or text: 45s, 1.5s, 2m, 1m30s, 1h or "1:30".'

_PREPARE = StepKind(
    Kind.PREPARE,
    Text(),
    "Get into position: the cue text.",
    (
        Key(
            "duration",
            Duration(ready=True),
            f"How long to get ready. {_DURATION_HELP} Or ready: wait until Enter is pressed; "
            "ready 20s: and last 20s where nobody can press it (a track, a pipe).",
            default=DEFAULT_PREPARE_SECONDS,
        ),
    ),
)

_DO = StepKind(
    Kind.DO,
    Text(),
    "A timed action: the cue text.",
    (
        Key(
            "duration",
            Duration(ready=True),
            f"How long the action lasts. {_DURATION_HELP} Or ready: wait until Enter is pressed; "
            "ready 20s: and last 20s where nobody can press it (a track, a pipe).",
            required=True,
        ),
    ),
)

_HOLD = StepKind(
    Kind.HOLD,
    Text(),
    "Stay still: the cue text.",
    (
        Key("duration", Duration(), f"How long to hold. {_DURATION_HELP}", required=True),
        Key(
            "countdown",
            WholeNumber(0),
            "Beep for the last N whole seconds of the hold (0 for none).",
            default=DEFAULT_COUNTDOWN,
        ),
    ),
)

_COUNT = StepKind(
    Kind.COUNT,
    WholeNumber(1, 1000),
    "Count out loud: the number of counts, 1 to 1000.",
    (
        Key(
            "every",
            Duration(),
            f"Time per count. {_DURATION_HELP}",
            default=DEFAULT_COUNT_EVERY,
        ),
        Key("cue", Text(), "What to do while counting."),
    ),
)

_REPS = StepKind(
    Kind.REPS,
    WholeNumber(1, 1000),
    "Repetitions at a tempo, each counted: the number of reps, 1 to 1000. Each rep is up, "
    "a pause at the top, down and a pause at the bottom.",
    (
        Key("up", Duration(), f"Time to rise or lift. {_DURATION_HELP}", default=DEFAULT_UP),
        Key(
            "top",
            Duration(zero=True),
            f"A pause at the top of each rep. {_DURATION_HELP} Or 0 for none.",
            default=0.0,
        ),
        Key(
            "down",
            Duration(),
            f"Time to lower, marked by a falling tone. {_DURATION_HELP}",
            default=DEFAULT_DOWN,
        ),
        Key(
            "bottom",
            Duration(zero=True),
            f"A pause at the bottom of each rep. {_DURATION_HELP} Or 0 for none.",
            default=0.0,
        ),
        Key("cue", Text(), "What to do in each rep."),
    ),
)

_BREATHE = StepKind(
    Kind.BREATHE,
    WholeNumber(1, 100),
    "Slow breathing: the number of breaths, 1 to 100.",
    (
        Key(
            "inhale",
            Duration(),
            f"Time to breathe in. {_DURATION_HELP}",
            default=DEFAULT_INHALE,
        ),
        Key(
            "exhale",
            Duration(),
            f"Time to breathe out. {_DURATION_HELP}",
            default=DEFAULT_EXHALE,
        ),
        Key("cue", Text(), "What to do while breathing."),
    ),
)

_REST = StepKind(
    Kind.REST,
    Duration(),
    f"A rest: how long. {_DURATION_HELP}",
    (Key("cue", Text(), "What to say for the rest.", default=DEFAULT_REST_CUE),),
)

_REPEAT = StepKind(
    Kind.REPEAT,
    WholeNumber(1, 100),
    "Play the steps several times: the number of rounds, 1 to 100. "
    "Cues may use {round} (1, 2, ...) and {rounds} (the number of rounds).",
    (
        Key("steps", Steps(), "The steps of one round.", required=True),
        Key(
            "rest_between",
            Duration(),
            f"A rest after every round but the last. {_DURATION_HELP}",
        ),
    ),
    nests=True,
)

_SIDES = StepKind(
    Kind.SIDES,
    SideList(),
    "Play the steps once per side: a list of right and/or left. "
    "Cues may use {side} and {other_side}.",
    (
        Key("steps", Steps(), "The steps for one side.", required=True),
        Key(
            "switch",
            Duration(zero=True),
            f"Time to change sides, announced. {_DURATION_HELP} Or 0 for none.",
            default=DEFAULT_SWITCH_SECONDS,
        ),
    ),
    nests=True,
)

_ROUTINE = StepKind(
    Kind.ROUTINE,
    RoutineRef(),
    "Play another routine's steps here: its name, or a path ending .yaml or .yml "
    "relative to this file.",
    nests=True,
)


def declared(kind: Kind) -> StepKind:
    """The declaration of a step kind (mypy checks that every kind has one)."""
    match kind:
        case Kind.PREPARE:
            return _PREPARE
        case Kind.DO:
            return _DO
        case Kind.HOLD:
            return _HOLD
        case Kind.COUNT:
            return _COUNT
        case Kind.REPS:
            return _REPS
        case Kind.BREATHE:
            return _BREATHE
        case Kind.REST:
            return _REST
        case Kind.REPEAT:
            return _REPEAT
        case Kind.SIDES:
            return _SIDES
        case Kind.ROUTINE:
            return _ROUTINE
        case _:
            unreachable(kind)


STEP_KINDS: tuple[StepKind, ...] = tuple(declared(kind) for kind in Kind)

KINDS: dict[str, StepKind] = {kind.key: kind for kind in STEP_KINDS}
ALL_STEP_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [kind.key for kind in STEP_KINDS]
        + [key.name for kind in STEP_KINDS for key in kind.all_keys()]
    )
)

# The largest routine file calfkit reads. Real routines are 1 to 3 KiB (the largest built-in,
# foam-roll-calf, is 3.2); 256 KiB is 80 times that, and small enough that the worst-shaped file
# (as many tiny steps as fit) loads in under half a second: bench/load.py measures it. At
# 1 MiB the floor of any reader on PyYAML was itself about 0.5 s.
MAX_FILE_BYTES = 256 * 1024

LIMITS = {
    "max_file_bytes": MAX_FILE_BYTES,
    "max_step_seconds": MAX_STEP_SECONDS,
    "max_total_seconds": MAX_TOTAL_SECONDS,
    "max_events": MAX_EVENTS,
    "max_nesting": MAX_NESTING,
}
