"""``calfkit export ROUTINE FILE.fit``: a workout read back by Garmin's own decoder and by
fitdecode, whose steps, run through their repeats, add up to the routine's total."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Profile, Stream

from calfkit import words
from calfkit.cli import cli
from calfkit.export.fit import NAME_BYTES, short_name

GOOD = Path(__file__).parent.parent / "routines" / "good"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def builtin_names() -> list[str]:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    return [entry["name"] for entry in json.loads(result.stdout) if entry["source"] == "built-in"]


def show_total(routine: str) -> float:
    result = run("show", routine, "--json")
    assert result.exit_code == 0, result.output
    return float(json.loads(result.stdout)["total_seconds"])


def ready_times(routine: str) -> list[float]:
    """What each step that waits for Enter lasts where nobody presses it, in played order:
    the time an open step on the watch stands for in show's total."""
    from calfkit import library
    from calfkit.timeline import compile_routine

    path = Path(routine) if routine.endswith(".yaml") else library.find(routine)
    segments = compile_routine(library.load(path)).segments
    return [segment.duration for segment in segments if segment.until_ready]


def garmin_steps(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The file read by Garmin's own SDK: integrity checked, no errors, its messages."""
    assert Decoder(Stream.from_file(str(path))).check_integrity()
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert errors == []
    assert [m["type"] for m in messages["file_id_mesgs"]] == ["workout"]
    (workout,) = messages["workout_mesgs"]
    return workout, messages["workout_step_mesgs"]


def fitdecode_steps(path: Path) -> list[dict[str, Any]]:
    """The file read independently by fitdecode (which checks the CRCs too)."""
    steps: list[dict[str, Any]] = []
    with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "workout_step":
                steps.append({f.name: f.value for f in frame.fields})
    return steps


def run_through(steps: list[dict[str, Any]], *, open_seconds: list[float]) -> float:
    """A small interpreter over decoded workout steps: follows the repeats as a watch does."""
    total = 0.0
    rounds: dict[int, int] = {}
    index = 0
    guard = 0
    while index < len(steps):
        guard += 1
        assert guard < 1_000_000, "the repeats never end"
        step = steps[index]
        kind = step["duration_type"]
        if kind == "repeat_until_steps_cmplt":
            rounds[index] = rounds.get(index, 1) + 1
            if rounds[index] <= step["repeat_steps"]:
                back = step["duration_step"]
                assert back < index, "a repeat goes back, never forward"
                index = back
                continue
            del rounds[index]
        elif kind == "open":
            total += open_seconds.pop(0)
        elif kind == "reps":
            # A watch counts reps, not time; as played, each takes the time its notes give.
            every = re.search(r"one every ([0-9.]+)s\.", step["notes"])
            assert every is not None, step["notes"]
            total += step["duration_reps"] * float(every.group(1))
        else:
            assert kind == "time", kind
            total += step["duration_time"]
        index += 1
    assert open_seconds == [], "an open step for each step that waits, no more, no fewer"
    return total


def comparable(step: dict[str, Any]) -> tuple[Any, ...]:
    return (
        step.get("wkt_step_name"),
        step["duration_type"],
        step.get("duration_time"),
        step.get("duration_reps"),
        step.get("duration_step"),
        step.get("repeat_steps"),
        step.get("notes"),
    )


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_exports_to_a_workout_both_decoders_read_and_that_adds_up(
    name: str, tmp_path: Path
) -> None:
    out = tmp_path / f"{name}.fit"
    result = run("export", name, str(out))
    assert result.exit_code == 0, result.output
    workout, steps = garmin_steps(out)
    assert workout["num_valid_steps"] == len(steps)
    assert (workout["sport"], workout["sub_sport"]) == ("mobility", "flexibility_training")
    assert 0 < len(workout["wkt_name"].encode()) <= NAME_BYTES
    assert [s["message_index"] for s in steps] == list(range(len(steps)))
    for step in steps:
        assert 0 < len(step["wkt_step_name"].encode()) <= NAME_BYTES
    # fitdecode, written by others from the FIT spec, reads the same steps.
    assert [comparable(s) for s in fitdecode_steps(out)] == [comparable(s) for s in steps]
    total = run_through(steps, open_seconds=ready_times(name))
    assert total == pytest.approx(show_total(name), abs=1e-6)
    assert f"(workout, {words.clock(total)}, " in result.output
    assert result.output.rstrip().endswith(f"{len(steps)} workout steps)")


def test_each_kind_of_step_becomes_the_workout_step_a_watch_follows(tmp_path: Path) -> None:
    out = tmp_path / "every-kind.fit"
    result = run("export", str(GOOD / "every-kind.yaml"), str(out))
    assert result.exit_code == 0, result.output
    workout, steps = garmin_steps(out)
    assert workout["wkt_name"] == "Every kind"  # "Every kind of step", cut at a word
    by = [
        (s["wkt_step_name"], s["duration_type"], s.get("duration_time") or s.get("duration_reps"))
        for s in steps
    ]
    # A ready step waits for the lap button; its step name is its own.
    assert by[0] == ("Setup", "open", None)
    assert steps[0]["notes"] == (
        "Sit down with the roller under your calf. Press lap when ready. Take your time."
    )
    # No name, and a first sentence too long for one: the kind of step, the whole cue in the
    # notes (never a cut-off sentence on either).
    assert by[1] == ("Move", "time", 90.0)
    assert steps[1]["notes"] == "Roll slowly towards the knee."
    assert by[2] == ("Hold", "time", 20.0)
    # A count is reps (the watch counts them), its pace in the notes; a breathe step is timed.
    assert by[3] == ("12 reps", "reps", 12)
    assert steps[3]["notes"] == "Flex and point the foot. 12 reps, one every 1.5s."
    assert by[4] == ("Breathe slowly", "time", 30.0)
    assert "3 breaths: in 4s, out 6s." in steps[4]["notes"]
    assert steps[5]["intensity"] == "rest"
    # repeat 2 with rest_between: the round, the rest, the round again (the rest comes only
    # between rounds, so no repeat step is needed for two).
    assert by[6:9] == [
        ("Move", "time", 120.0),
        ("Rest", "time", 10.0),
        ("Move", "time", 120.0),
    ]
    # Sides, right then left, the side in the names; no switch step (switch: 0).
    assert [s["wkt_step_name"] for s in steps[9:11]] == ["R: Hold", "L: Hold"]
    assert steps[9]["notes"] == "Keep the right leg straight, the left one bent. Right side."
    assert steps[10]["notes"] == "Keep the left leg straight, the right one bent. Left side."


def test_repeats_become_repeat_steps_and_nested_ones_stay_one_level_deep(tmp_path: Path) -> None:
    routine = tmp_path / "reps.yaml"
    routine.write_text(
        "title: Repeats of repeats\n"
        "steps:\n"
        "  - repeat: 3\n"
        "    rest_between: 5s\n"
        "    steps:\n"
        "      - do: Press.\n"
        "        duration: 4s\n"
        "      - rest: 1s\n"
        "  - repeat: 2\n"
        "    name: Outer\n"
        "    steps:\n"
        "      - repeat: 4\n"
        "        steps:\n"
        "          - count: 3\n"
        "            every: 2s\n"
        "      - do: Shake out.\n"
        "        duration: 3s\n"
        "  - sides: [right, left]\n"
        "    switch: 2s\n"
        "    steps:\n"
        "      - repeat: 2\n"
        "        steps:\n"
        "          - hold: Hold {side}.\n"
        "            duration: 7s\n"
    )
    out = tmp_path / "reps.fit"
    result = run("export", str(routine), str(out))
    assert result.exit_code == 0, result.output
    _, steps = garmin_steps(out)
    kinds = [
        (
            s["duration_type"],
            s.get("duration_time")
            or s.get("duration_reps")
            or (s.get("duration_step"), s.get("repeat_steps")),
        )
        for s in steps
    ]
    assert kinds == [
        # 3 rounds with a rest between: (press, rest, rest-between) twice, then the last round.
        ("time", 4.0),
        ("time", 1.0),
        ("time", 5.0),
        ("repeat_until_steps_cmplt", (0, 2)),
        ("time", 4.0),
        ("time", 1.0),
        # The outer repeat holds a repeat, so it is laid out round by round.
        ("reps", 3),
        ("repeat_until_steps_cmplt", (6, 4)),
        ("time", 3.0),
        ("reps", 3),
        ("repeat_until_steps_cmplt", (9, 4)),
        ("time", 3.0),
        # Sides: right, the switch, left.
        ("time", 7.0),
        ("repeat_until_steps_cmplt", (12, 2)),
        ("time", 2.0),
        ("time", 7.0),
        ("repeat_until_steps_cmplt", (15, 2)),
    ]
    assert steps[14]["wkt_step_name"] == "Switch to left"
    assert steps[14]["intensity"] == "rest"
    assert (steps[12]["wkt_step_name"], steps[15]["wkt_step_name"]) == (
        "R: Hold right",
        "L: Hold left",
    )
    assert run_through(steps, open_seconds=ready_times(str(routine))) == show_total(str(routine))


def test_names_are_cut_to_what_a_watch_keeps_at_a_word() -> None:
    assert short_name("Calf Care Session") == ("Calf Care", "Session")
    assert short_name("Calf Release at the Wall") == ("Calf Release", "at the Wall")
    assert short_name("Heels down. Let everything relax.") == (
        "Heels down",
        "Let everything relax.",
    )
    assert short_name("Rest") == ("Rest", "")
    # A first word longer than a name is cut inside it, so something is always shown.
    head, rest = short_name("Supercalifragilistic")
    assert (head, rest) == ("Supercalifragil", "istic")
    # Bytes, not characters: "é" is two.
    head, _ = short_name("Étirement des mollets")
    assert len(head.encode()) <= NAME_BYTES and head == "Étirement des"
    # Control characters never reach the watch.
    assert short_name("Roll\x1b[2J\x07 now") == ("Roll[2J now", "")


def test_exercises_are_the_fit_profiles_categories_and_names_a_blocks_for_its_steps(
    tmp_path: Path,
) -> None:
    routine = tmp_path / "ex.yaml"
    routine.write_text(
        "title: Exercises\n"
        "steps:\n"
        "  - sides: [right]\n"
        "    switch: 0\n"
        "    exercise: foam-roll\n"
        "    steps:\n"
        "      - do: Roll up and down.\n"
        "        duration: 30s\n"
        "      - hold: Lean into the wall, back heel down.\n"
        "        name: Calf stretch\n"
        "        exercise: calf-stretch\n"
        "        duration: 30s\n"
        "  - do: Roll a ball under the sole.\n"
        "    exercise: foot-rolling\n"
        "    duration: 20s\n"
        "  - rest: 5s\n"
    )
    out = tmp_path / "ex.fit"
    result = run("export", str(routine), str(out))
    assert result.exit_code == 0, result.output
    _, steps = garmin_steps(out)
    found = [(s.get("exercise_category"), s.get("exercise_name")) for s in steps]
    # warm_up 37 is stretch_calf and move 9 is foot_rolling in the FIT profile; a foam roll
    # has a category and no name that fits.
    assert found == [("warm_up", None), ("warm_up", 37), ("move", 9), (None, None)]
    assert [s["wkt_step_name"] for s in steps] == ["R: Move", "R: Calf stretch", "Move", "Rest"]
    types = Profile["types"]
    categories = types["exercise_category"]
    # An older fitdecode (0.10, the lowest allowed) knows no category 'move' and gives its
    # number: the number is what the file holds, so it is named from the SDK's profile.
    again = [
        (
            # (an older SDK keys its profile's types by the number as text)
            categories.get(category, categories.get(str(category)))
            if isinstance(category, int)
            else category,
            s.get("exercise_name"),
        )
        for s in fitdecode_steps(out)
        for category in [s.get("exercise_category")]
    ]
    assert again == found
    warm_up, move = types["warm_up_exercise_name"], types["move_exercise_name"]
    assert warm_up.get(37, warm_up.get("37")) == "stretch_calf"
    assert move.get(9, move.get("9")) == "foot_rolling"


def test_a_reps_step_is_a_reps_step_on_the_watch_with_its_tempo_in_the_notes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "reps.fit"
    result = run("export", str(GOOD / "reps.yaml"), str(out))
    assert result.exit_code == 0, result.output
    _, steps = garmin_steps(out)
    decoded = fitdecode_steps(out)
    by = [(s["wkt_step_name"], s["duration_type"], s.get("duration_reps")) for s in decoded]
    assert by == [
        ("Get ready", "time", None),
        ("Slow lowering", "reps", 6),
        ("Rest", "time", None),
        ("R: 5 reps", "reps", 5),
        ("Switch to left", "time", None),
        ("L: 5 reps", "reps", 5),
        ("1 rep", "reps", 1),
    ]
    assert "6 reps: 1s up, 1s at the top, 3s down." in decoded[1]["notes"]
    assert "5 reps: 2s up, 2s down, 0.5s at the bottom." in decoded[3]["notes"]
    assert [s["duration_type"] for s in steps] == [s["duration_type"] for s in decoded]
    # The timed steps and the reps' planned time (6 x 5 s, 2 x 5 x 4.5 s, 4 s) are the total.
    timed = sum(s["duration_time"] for s in decoded if s["duration_type"] == "time")
    assert timed + 30.0 + 45.0 + 4.0 == show_total(str(GOOD / "reps.yaml"))


def test_a_ready_step_with_its_own_time_is_an_open_step_counted_as_that_time(
    tmp_path: Path,
) -> None:
    routine = tmp_path / "ready.yaml"
    routine.write_text(
        "title: Ready\nsteps:\n  - prepare: Roll the mat into a log.\n"
        "    duration: ready 25s\n  - hold: Stand on it.\n    duration: 30s\n"
    )
    out = tmp_path / "ready.fit"
    result = run("export", str(routine), str(out))
    assert result.exit_code == 0, result.output
    _, steps = garmin_steps(out)
    assert [s["duration_type"] for s in steps] == ["open", "time"]
    assert steps[0]["notes"] == "Roll the mat into a log. Press lap when ready."
    assert show_total(str(routine)) == 55.0
    assert "(workout, 00:55, " in result.output
