"""One total: ``show --json``, ``list --json``, the player's START event and history agree on
a routine's length to the last bit, for any routine (issue 9: ``repeat: 10`` over
``rest: 0.1`` gave 1.0 in one and 0.9999999999999999 in the other)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calfkit.cli import cli
from calfkit.history import History

SECONDS = st.sampled_from(["0.1", "0.2", "0.3", "0.7", "1.1", "2.5", "1", "3"])
LEAF = st.one_of(
    SECONDS.map(lambda s: {"rest": f"{s}s"}),
    SECONDS.map(lambda s: {"do": "Move.", "duration": f"{s}s"}),
    st.tuples(st.integers(1, 5), SECONDS).map(
        lambda c: {"count": c[0], "every": f"{c[1]}s", "cue": "Count."}
    ),
    st.tuples(st.integers(1, 3), SECONDS, SECONDS).map(
        lambda b: {"breathe": b[0], "inhale": f"{b[1]}s", "exhale": f"{b[2]}s"}
    ),
)


def _blocks(children: st.SearchStrategy[list[dict[str, object]]]) -> st.SearchStrategy[object]:
    return st.one_of(
        st.tuples(st.integers(1, 12), children, st.none() | SECONDS).map(
            lambda r: (
                {"repeat": r[0], "steps": r[1]} | ({"rest_between": f"{r[2]}s"} if r[2] else {})
            )
        ),
        st.tuples(children, SECONDS).map(
            lambda s: {"sides": ["right", "left"], "switch": f"{s[1]}s", "steps": s[0]}
        ),
    )


STEP = st.recursive(
    LEAF, lambda inner: _blocks(st.lists(inner, min_size=1, max_size=3)), max_leaves=8
)
ROUTINES = st.lists(STEP, min_size=1, max_size=4)


def _totals(steps: list[object]) -> tuple[float, float, float, float]:
    with tempfile.TemporaryDirectory(prefix="calfkit-total-") as tmp:
        home = Path(tmp)
        folder = home / "routines"
        folder.mkdir()
        routine = folder / "random-total.yaml"
        routine.write_text(
            json.dumps({"calfkit": 1, "title": "Random total", "steps": steps}), encoding="utf-8"
        )
        env = {
            "CALFKIT_CONFIG_DIR": str(home / "config"),
            "CALFKIT_CACHE_DIR": str(home / "cache"),
            "CALFKIT_HISTORY": str(home / "history.sqlite3"),
            "CALFKIT_PATH": str(folder),
        }
        runner = CliRunner()
        shown = runner.invoke(cli, ["show", "random-total", "--json"], env=env)
        assert shown.exit_code == 0, shown.output
        listed = runner.invoke(cli, ["list", "--json"], env=env)
        assert listed.exit_code == 0, listed.output
        (entry,) = [e for e in json.loads(listed.output) if e["name"] == "random-total"]
        log = home / "events.jsonl"
        played = runner.invoke(
            cli,
            ["play", "random-total", "--speed", "1000", "--lead-in", "0", "--sound", "off",
             "--log-events", str(log)],
            env=env,
        )  # fmt: skip
        assert played.exit_code == 0, played.output
        start = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
        assert start["event"] == "start"
        with History(home / "history.sqlite3") as history:
            (session,) = history.sessions()
        return (
            json.loads(shown.output)["total_seconds"],
            entry["total_seconds"],
            start["total"],
            session.planned_seconds,
        )


def test_the_tenths_routine_of_issue_9_has_one_total() -> None:
    show, listed, start, history = _totals([{"repeat": 10, "steps": [{"rest": "0.1s"}]}])
    assert show == listed == start == history == 1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROUTINES)
def test_show_list_the_player_and_history_agree_on_the_total_to_the_last_bit(
    steps: list[object],
) -> None:
    show, listed, start, history = _totals(steps)
    # Exactly equal, not approximately: one figure, computed in one place.
    assert show.hex() == listed.hex() == start.hex() == history.hex()


@pytest.mark.parametrize("rounds", [3, 7, 10, 30])
def test_the_timeline_total_is_measured_not_summed(rounds: int) -> None:
    from calfkit.format import measure
    from calfkit.model import Repeat, Rest, Routine
    from calfkit.timeline import compile_routine

    routine = Routine(
        name="r", title="R", steps=(Repeat(rounds=rounds, steps=(Rest(duration=0.1),)),)
    )
    timeline = compile_routine(routine)
    assert timeline.total == measure.seconds(routine.steps)
