"""The plan format, version 1, declared once: its keys, what each takes, and help for each.

The checker (:mod:`calfkit.plan.check`) and the JSON Schema (:mod:`calfkit.plan.schema`)
both read these tables, so what ``calfkit plan validate`` accepts and what an editor is told
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from calfkit.plan.model import DEFAULT_FROM_WEEK, MAX_ROUNDS, MAX_WEEKS, WEEKDAYS

MAX_TITLE = 80
MAX_SESSIONS = 50
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Kind(Enum):
    """What a key's value must be."""

    VERSION = "the plan format version: 1"
    SLUG = "a name: lowercase letters, digits and dashes, starting with a letter or digit"
    TITLE = f"text of at most {MAX_TITLE} characters"
    TEXT = "text"
    WEEKS = f"a whole number of weeks from 1 to {MAX_WEEKS}"
    WEEKDAYS = "a list of weekdays (" + ", ".join(WEEKDAYS) + "), none twice"
    TIME = 'a time of day as HH:MM (24-hour clock, e.g. "07:30")'
    SESSIONS = f"a list of 1 to {MAX_SESSIONS} sessions"
    ROUTINE = "a routine: a name, or a path ending .yaml or .yml relative to the plan"
    TIMES = "a whole number of times a week from 1 to 7"
    HOLD_RULE = "a mapping with 'add' and 'up_to' (durations), 'from_week', 'each_week'"
    ROUNDS_RULE = "a mapping with 'add' (rounds), 'up_to', 'from_week', 'each_week'"
    DURATION = "a duration (e.g. 5s, 1m30s, or a number of seconds) more than 0 and at most 2h"
    WEEK = f"a week number from 1 to {MAX_WEEKS}"
    YES_NO = "true or false"
    ROUNDS = f"a whole number of rounds from 1 to {MAX_ROUNDS}"


@dataclass(frozen=True)
class Key:
    name: str
    kind: Kind
    help: str
    required: bool = False


TOP_KEYS = (
    Key("calfkit", Kind.VERSION, "The plan format version: 1."),
    Key("name", Kind.SLUG, "The plan's name; defaults to the file name without .yaml."),
    Key("title", Kind.TITLE, "The plan's title, as `calfkit today` shows it.", required=True),
    Key("description", Kind.TEXT, "What the plan is for, in a few sentences."),
    Key("weeks", Kind.WEEKS, "How many weeks the plan runs, from the day it is started.", True),
    Key(
        "rest_days",
        Kind.WEEKDAYS,
        "Weekdays with no session: they keep your streak going, and no session may be on one.",
    ),
    Key(
        "start_time",
        Kind.TIME,
        "When a day's first session starts, for `calfkit plan export` (default 08:00); the "
        "day's other sessions follow it.",
    ),
    Key("sessions", Kind.SESSIONS, "The routines the plan asks for, and on which days.", True),
)

SESSION_KEYS = (
    Key("routine", Kind.ROUTINE, "The routine to play.", required=True),
    Key("days", Kind.WEEKDAYS, "The weekdays it is played on (or give times_a_week)."),
    Key(
        "times_a_week",
        Kind.TIMES,
        "How many times a week, on days spread evenly over the days that are not rest days "
        "(or give days).",
    ),
    Key("hold", Kind.HOLD_RULE, "How the routine's holds grow, week by week."),
    Key("rounds", Kind.ROUNDS_RULE, "How the routine's repeats gain rounds, from a week on."),
)

HOLD_KEYS = (
    Key("add", Kind.DURATION, "Seconds added to every hold.", required=True),
    Key("up_to", Kind.DURATION, "No hold grows past this.", required=True),
    Key("from_week", Kind.WEEK, f"The first week it applies to (default {DEFAULT_FROM_WEEK})."),
    Key("each_week", Kind.YES_NO, "Added again every week after (default true)."),
)

ROUNDS_KEYS = (
    Key("add", Kind.ROUNDS, "Rounds added to every repeat.", required=True),
    Key("up_to", Kind.ROUNDS, f"No repeat grows past this many rounds (default {MAX_ROUNDS})."),
    Key("from_week", Kind.WEEK, f"The first week it applies to (default {DEFAULT_FROM_WEEK})."),
    Key("each_week", Kind.YES_NO, "Added again every week after (default false: once)."),
)
