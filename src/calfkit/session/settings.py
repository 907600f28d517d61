"""How a session plays or exports: one frozen :class:`Settings`, each default held once.

``play`` and ``export`` build one from their options (an option not given takes the default
here), and the session layer hands its parts on to the player, the sinks and the renderer.
Light to import: the command line reads the defaults for its help.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from calfkit.errors import SettingError
from calfkit.player.pace import LEAD_IN_SECONDS, Pace, lead_in_problem, speed_problem
from calfkit.sound import CHOICES as SOUND_CHOICES
from calfkit.sound import (
    DEFAULT_RATE_WPM,
    DEFAULT_SPOKEN,
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    SPOKEN_EXTRAS,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from calfkit.history.queries import Session

__all__ = ["DEFAULTS", "Settings", "rate_problem"]


def rate_problem(wpm: int) -> str | None:
    """What is wrong with ``wpm`` as the voice's rate, or None if nothing is."""
    if MIN_RATE_WPM <= wpm <= MAX_RATE_WPM:
        return None
    return f"{wpm} is not in the range {MIN_RATE_WPM}<=x<={MAX_RATE_WPM}"


@dataclass(frozen=True)
class Settings:
    """Everything a session is asked to do; :class:`~calfkit.errors.SettingError` (naming the
    option) for a value no session can use.

    ``lead_in``: the get-ready countdown asked for, in routine seconds (a spoken caution makes
    the one played longer). ``speed``: how many times faster than written. ``start``: the
    top-level step to begin at (``--from``). ``sound``: a ``--sound`` choice. ``voice``,
    ``voice_rate``: spoken cues, in words a minute. ``speak``: what the voice says besides the
    cues (``--speak``: notes, time, counts, previews). ``voice_model``: a Piper model file, or
    ``system`` (``--voice-model``; None: ``CALFKIT_VOICE_MODEL``, else the packaged voice).
    ``plain``: lines instead of the live view.
    ``log_events``: a file for the events as JSON Lines. ``history``: record the session.
    ``resume``: the unfinished session this one takes up (``play --resume``): play begins at
    the timed step it stopped at (mid-round, mid-side) and the log continues its row.
    ``rest_days``: the followed plan's rest days, which keep the end summary's streak.
    """

    lead_in: float = LEAD_IN_SECONDS
    speed: float = 1.0
    start: int = 1
    sound: str = "auto"
    voice: bool = False
    voice_rate: int = DEFAULT_RATE_WPM
    speak: frozenset[str] = DEFAULT_SPOKEN
    voice_model: str | None = None
    plain: bool = False
    log_events: str | None = None
    history: bool = True
    resume: Session | None = None
    rest_days: Callable[[date], bool] | None = None

    @property
    def start_step(self) -> int | None:
        """The timed (flat) step to begin at, when resuming; else None (``start`` says)."""
        return self.resume.end_step if self.resume is not None else None

    def __post_init__(self) -> None:
        for option, problem in (
            ("--lead-in", lead_in_problem(self.lead_in)),
            ("--speed", speed_problem(self.speed)),
            ("--voice-rate", rate_problem(self.voice_rate)),
        ):
            if problem is not None:
                raise SettingError(option, problem)
        unknown = sorted(set(self.speak) - set(SPOKEN_EXTRAS))
        if unknown:
            raise SettingError(
                "--speak", f"{unknown[0]!r} is not one of {', '.join(SPOKEN_EXTRAS)}"
            )
        if self.sound not in SOUND_CHOICES:
            raise SettingError(
                "--sound", f"{self.sound!r} is not one of {', '.join(SOUND_CHOICES)}"
            )

    @classmethod
    def given(cls, **options: Any) -> Settings:
        """Settings from a command's options: those that are None (not given) take the
        defaults here; names that are not settings are a TypeError."""
        names = {field.name for field in fields(cls)}
        unknown = set(options) - names
        if unknown:
            raise TypeError(f"not settings: {', '.join(sorted(unknown))}")
        return cls(**{name: value for name, value in options.items() if value is not None})

    @property
    def pace(self) -> Pace:
        return Pace(self.speed)


DEFAULTS = Settings()
"""The defaults, for a command's help."""
