"""The one family of formatters: lengths, clock faces, countdowns, ordinals and "when"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfkit import words

UTC = timezone.utc


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "0s"),
        (0.5, "0.5s"),
        (0.04, "0.04s"),  # a tempo this short read "0s up" in show
        (0.0001, "0.0001s"),
        (0.00001, "under 0.0001s"),
        (1.5, "1.5s"),
        (10, "10s"),
        (59, "59s"),
        (60, "1m"),
        (90, "1m 30s"),
        (276, "4m 36s"),
        (3599, "59m 59s"),
        (3599.6, "1h"),
        (3600, "1h"),
        (3900, "1h 5m"),
        (3929, "1h 5m"),
        (3930, "1h 6m"),  # to the nearest minute from an hour on
        (0.1 * 10, "1s"),  # 0.9999999999999999 is a whole second to a person
    ],
)
def test_a_length_reads_like_4m_36s(seconds: float, text: str) -> None:
    assert words.length(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "00:00"),
        (3.004, "00:03"),  # issue 12: a 3.004 s pause is "paused 00:03", not 00:04
        (3.5, "00:04"),
        (59.6, "01:00"),
        (754, "12:34"),
        (3599.0, "59:59"),
        (3725, "1:02:05"),
        (-2.0, "00:00"),
    ],
)
def test_a_clock_rounds_to_the_nearest_second(seconds: float, text: str) -> None:
    assert words.clock(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "00:00"), (0.2, "00:01"), (3.004, "00:04"), (45, "00:45"), (90, "01:30"),
     (3725, "1:02:05"), (3.0000000000000004, "00:03")],
)  # fmt: skip
def test_a_countdown_rounds_up_so_it_reads_zero_only_at_the_end(seconds: float, text: str) -> None:
    assert words.countdown(seconds) == text


@given(st.floats(min_value=0, max_value=10 * 86_400, allow_nan=False))
def test_clock_and_countdown_never_differ_by_more_than_a_second(seconds: float) -> None:
    def back(text: str) -> int:
        parts = [int(p) for p in text.split(":")]
        return sum(p * 60**i for i, p in enumerate(reversed(parts)))

    near, up = back(words.clock(seconds)), back(words.countdown(seconds))
    assert abs(near - seconds) <= 0.5 + 1e-6
    assert -1e-6 <= up - seconds < 1
    assert up - near in (0, 1)


def test_an_exact_length_shows_a_total_just_past_a_limit() -> None:
    assert words.exact_length(24 * 3600 + 1.2) == "24h 0m 1.2s"
    assert words.exact_length(float("inf")) == "forever"


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinal(number: int, text: str) -> None:
    assert words.ordinal(number) == text


def test_when_speaks_like_a_person() -> None:
    at = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    today = at.date()
    assert words.when(at, today, UTC) == "today"
    assert words.when(at - timedelta(days=1), today, UTC) == "yesterday"
    assert words.when(at - timedelta(days=5), today, UTC) == "5 days ago"
    assert words.when(at - timedelta(days=40), today, UTC) == "2026-10-12"
    # Late evening in New York is already tomorrow in UTC: the local day counts.
    late = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    assert words.when(late, today, ZoneInfo("America/New_York")) == "yesterday"
