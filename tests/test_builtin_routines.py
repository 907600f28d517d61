"""Every built-in routine loads, shows, validates against the JSON Schema, compiles to a
timeline that agrees with ``show``, plays on the fake clock, keeps the facts of its source,
and ships inside the wheel."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import wave
import zipfile
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from calfkit import library, model, words
from calfkit.cli import cli
from calfkit.format import measure
from calfkit.format.schema import json_schema
from calfkit.player.events import Status
from calfkit.sound import DEFAULT_RATE_WPM as SPEECH_RATE_WPM
from calfkit.testing import play_fast
from calfkit.timeline import Segment, SegmentKind, TickKind, compile_routine

REPOSITORY = Path(__file__).resolve().parent.parent
# The routines as written in the checkout, and as the calfkit under test finds them (package
# data in an installed wheel): the same files, checked below.
SOURCE_DIR = REPOSITORY / "routines"
BUILTIN_DIR = library.builtin_routines_dir()
BUILTINS = sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))
EXPECTED = [
    "calf-care",
    "calf-release",
    "calf-release-walk",
    "calf-self-massage",
    "foam-roll-calf",
    "hip-to-heel-press",
    "rolled-mat-stretch",
]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user routines or CALFKIT_PATH, so every name finds the built-in."""
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    return tmp_path


def flat(steps: tuple[model.Step, ...]) -> list[model.Step]:
    """Every step, blocks and includes opened, each once (not per round or side)."""
    out: list[model.Step] = []
    for step in steps:
        out.append(step)
        if isinstance(step, (model.Repeat, model.Sides)):
            out.extend(flat(step.steps))
        elif isinstance(step, model.Include):
            out.extend(flat(step.routine.steps))
    return out


def test_the_seven_builtin_routines_are_there() -> None:
    assert BUILTINS == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_loads_with_no_problems(name: str) -> None:
    path = BUILTIN_DIR / f"{name}.yaml"
    assert library.check(path) == []
    routine = library.load(path)
    assert routine.name == name
    assert routine.title and routine.description and routine.tags and routine.equipment


# Names a watch shows that say nothing of what to do (the ones a review found, and their like).
SAY_NOTHING = {"same", "stay", "return", "stop", "rest", "hold", "wait", "feet", "again", "more"}


@pytest.mark.parametrize("name", EXPECTED)
def test_every_builtin_step_has_a_short_name_that_says_what_to_do(name: str) -> None:
    """Every timed step has its own ``name:`` (a watch shows it, a chapter is titled by it),
    at most 15 characters, and not a bare word such as "Stay" or "Feet"."""
    steps = flat(library.load_ref(name).steps)
    timed = [
        step for step in steps if not isinstance(step, (model.Repeat, model.Sides, model.Include))
    ]
    assert [step for step in timed if not step.name] == []
    names = {step.name for step in steps if step.name}
    assert [n for n in sorted(names) if len(n) > 15 or n.lower() in SAY_NOTHING] == []


@pytest.mark.parametrize("name", EXPECTED)
def test_validate_strict_passes_every_builtin_with_no_warning(name: str) -> None:
    """No problem and no warning either (a cue too long for its step, a key named)."""
    result = CliRunner().invoke(cli, ["validate", "--strict", name])
    assert (result.exit_code, result.output) == (0, f"{name}: ok\n")


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_matches_the_json_schema(name: str) -> None:
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    data = yaml.safe_load((BUILTIN_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    assert [error.message for error in errors] == []


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_shows_with_the_total_the_timeline_plays(name: str) -> None:
    routine = library.load_ref(name)
    timeline = compile_routine(routine)
    total = words.length(timeline.total)
    result = CliRunner().invoke(cli, ["show", name], env={"COLUMNS": "100"})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{routine.title} ({name})\n")
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"Total: {total}, {len(timeline.segments)} timed steps")
    shown = json.loads(CliRunner().invoke(cli, ["show", name, "--json"]).stdout)
    assert shown["total_seconds"] == pytest.approx(timeline.total)
    assert shown["step_count"] == len(timeline.segments) == measure.step_count(routine.steps)


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_show_numbers_the_steps_as_play_from_counts_and_fills_in_each_side(
    name: str,
) -> None:
    routine = library.load_ref(name)
    timeline = compile_routine(routine)
    out = CliRunner().invoke(cli, ["show", name], env={"COLUMNS": "300"}).stdout
    numbers = [int(m) for m in re.findall(r"^[├└]── +(\d+)\. ", out, re.MULTILINE)]
    assert numbers == list(range(1, len(routine.steps) + 1))
    assert sorted({s.top for s in timeline.segments}) == numbers
    assert "{side}" not in out and "{other_side}" not in out
    # Every cue as played is on a line of its own (a side's, where the sides differ).
    lines = {line.split("  ", 1)[-1].split(": ", 1)[-1] for line in out.splitlines()}
    lines |= {line.split("│", 1)[-1].strip().split(": ", 1)[-1] for line in out.splitlines()}
    missing = {
        s.text
        for s in timeline.segments
        if s.kind is not SegmentKind.SWITCH and s.text != "Rest" and s.text not in lines
    }
    assert missing == set()


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_plays_to_the_end_on_the_fake_clock(name: str) -> None:
    timeline = compile_routine(library.load_ref(name))
    played = play_fast(timeline)
    assert played.outcome.status is Status.FINISHED
    assert played.outcome.steps_done == len(timeline.segments)
    assert played.clock.now() == pytest.approx(timeline.total)


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("calf-release", 3 * 60, 8 * 60),
        ("calf-release-walk", 2 * 60, 5 * 60),
        ("rolled-mat-stretch", 90, 5 * 60),
        ("hip-to-heel-press", 2 * 60, 6 * 60),
        ("calf-self-massage", 3 * 60, 10 * 60),
        ("foam-roll-calf", 5 * 60, 15 * 60),
        ("calf-care", 15 * 60, 35 * 60),
    ],
)
def test_builtin_lasts_a_sensible_time(name: str, low: float, high: float) -> None:
    assert low <= measure.seconds(library.load_ref(name).steps) <= high


@pytest.mark.parametrize(
    "name", ["calf-release", "hip-to-heel-press", "calf-self-massage", "foam-roll-calf"]
)
def test_builtin_whose_source_warns_carries_a_caution(name: str) -> None:
    assert library.load_ref(name).caution


# --- what each built-in asks for: the facts of its source, kept ---------------------------------


def test_calf_release_lowers_over_ten_counts_in_three_foot_positions() -> None:
    routine = library.load_ref("calf-release")
    blocks = [step for step in routine.steps if isinstance(step, model.Repeat)]
    assert [block.name for block in blocks] == [
        "Feet parallel",
        "Legs turned out",
        "Legs turned in",
    ]
    for block in blocks:
        assert 2 <= block.rounds <= 3
        counts = [step for step in block.steps if isinstance(step, model.Count)]
        assert [(count.count, count.every) for count in counts] == [(10, 1.0)]
    assert "not a stretch" in (routine.caution or "")


def _round(segment: Segment) -> int:
    """The round a segment is in (``where`` ends "Round 2 of 3")."""
    match = re.fullmatch(r"Round (\d+) of \d+", segment.where[-1])
    assert match is not None
    return int(match[1])


@pytest.mark.parametrize("name", ["calf-release", "calf-care"])
def test_calf_release_rests_once_between_one_lowering_and_the_next_rise(name: str) -> None:
    segments = compile_routine(library.load_ref(name)).segments
    lowerings = [s for s in segments if s.kind is SegmentKind.COUNT and len(s.ticks) == 10]
    assert len(lowerings) == 9
    between = [
        [s.kind for s in segments[a.index : b.index - 1]]
        for a, b in itertools.pairwise(lowerings)
        if a.where[:-1] == b.where[:-1] and _round(b) == _round(a) + 1  # the same block
    ]
    assert between == [[SegmentKind.REST, SegmentKind.DO]] * 6


def test_calf_release_walk_gives_each_heel_and_sitting_bone_about_thirty_seconds() -> None:
    routine = library.load_ref("calf-release-walk")
    timeline = compile_routine(routine)
    attention = [s for s in timeline.segments if s.kind is SegmentKind.DO and s.duration == 30]
    assert len(attention) == 4
    assert ["right" in s.text.lower() for s in attention] == [True, False, True, False]
    assert ["sitting bone" in s.text for s in attention] == [False, False, True, True]


def test_rolled_mat_stretch_waits_for_the_mat_and_holds_a_minute_or_more() -> None:
    routine = library.load_ref("rolled-mat-stretch")
    first = routine.steps[0]
    assert isinstance(first, model.Prepare) and first.until_ready
    holds = [step for step in routine.steps if isinstance(step, model.Hold)]
    assert sum(hold.duration for hold in holds) >= 60


def test_hip_to_heel_press_works_both_sides_with_three_focused_breaths() -> None:
    routine = library.load_ref("hip-to-heel-press")
    (sides,) = [step for step in routine.steps if isinstance(step, model.Sides)]
    assert sides.sides == (model.Side.RIGHT, model.Side.LEFT)
    counts = [step for step in sides.steps if isinstance(step, model.Count)]
    assert [count.count for count in counts] == [3]  # flex and point two or three times
    breaths = [step.breaths for step in sides.steps if isinstance(step, model.Breathe)]
    assert breaths == [1, 2]
    assert "90 degrees" in (routine.caution or "")


def test_calf_self_massage_works_three_spots_in_all_one_per_leg_then_the_tighter_calf() -> None:
    # The source's dose: two or three tight spots in all, then stop; the rest waits.
    routine = library.load_ref("calf-self-massage")
    caution = routine.caution or ""
    assert "stop before" in caution and "two or three spots in all" in caution.lower()
    (sides,) = [step for step in routine.steps if isinstance(step, model.Sides)]
    assert sides.sides == (model.Side.RIGHT, model.Side.LEFT)
    assert not any(isinstance(step, model.Repeat) for step in flat(routine.steps))
    segments = compile_routine(routine).segments
    assert not any(s.until_ready for s in segments)  # no bare wait for a spot
    searches = [s for s in segments if s.kind is SegmentKind.DO and "Search" in s.text]
    assert [s.side for s in searches] == [model.Side.RIGHT, model.Side.LEFT, None]
    assert all(s.side is None or s.side.value in s.text for s in searches)
    spots = [s for s in segments if s.kind is SegmentKind.HOLD]
    assert len(spots) == 3
    assert "tomorrow" in segments[-1].text


def _passes(sides: model.Sides) -> list[list[model.Step]]:
    """The steps of a sides block, split where a named step (a pass) begins."""
    passes: list[list[model.Step]] = []
    for step in sides.steps:
        if step.name and step.name.startswith("Pass "):
            passes.append([])
        passes[-1].append(step)
    return passes


def test_foam_roll_calf_makes_three_passes_right_then_left() -> None:
    routine = library.load_ref("foam-roll-calf")
    (sides,) = [step for step in routine.steps if isinstance(step, model.Sides)]
    assert sides.sides == (model.Side.RIGHT, model.Side.LEFT)
    passes = [step.name for step in sides.steps if step.name and step.name.startswith("Pass ")]
    assert passes == ["Pass 1 mid", "Pass 2 inner", "Pass 3 outer"]
    assert "wrists" in (routine.caution or "")


def test_foam_roll_calf_every_pass_says_chest_up_and_shoulders_down() -> None:
    (sides,) = [s for s in library.load_ref("foam-roll-calf").steps if isinstance(s, model.Sides)]
    for steps in _passes(sides):
        spoken = " ".join(s.text for s in steps if isinstance(s, (model.Do, model.Hold))).lower()
        assert "chest" in spoken and "shoulders" in spoken


def test_foam_roll_calf_rolls_back_to_a_tender_spot_and_holds_it_30_to_90_seconds() -> None:
    (sides,) = [s for s in library.load_ref("foam-roll-calf").steps if isinstance(s, model.Sides)]
    for steps in _passes(sides):
        (hold,) = [step for step in steps if isinstance(step, model.Hold)]
        assert 30 < hold.duration < 90
        before = steps[steps.index(hold) - 1]
        # Up to the knee first, then back down to the spot: told before the hold begins.
        assert isinstance(before, model.Do) and "back" in before.text and "spot" in before.text
        assert "knee" in steps[steps.index(before) - 1].text  # type: ignore[attr-defined]


def test_foam_roll_calf_every_pass_says_a_word_about_the_wrists() -> None:
    (sides,) = [s for s in library.load_ref("foam-roll-calf").steps if isinstance(s, model.Sides)]
    for steps in _passes(sides):
        spoken = " ".join(s.text for s in steps if isinstance(s, (model.Do, model.Hold))).lower()
        assert "wrists" in spoken


def test_calf_care_includes_several_builtins() -> None:
    routine = library.load_ref("calf-care")
    included = [step.ref for step in routine.steps if isinstance(step, model.Include)]
    assert len(included) >= 3 and set(included) <= set(EXPECTED) - {"calf-care"}
    assert all(
        step.routine.path == str(BUILTIN_DIR / f"{step.ref}.yaml")
        for step in routine.steps
        if isinstance(step, model.Include)
    )


def test_calf_care_walks_right_after_the_wall_release_once_you_are_ready() -> None:
    steps = library.load_ref("calf-care").steps
    refs = [step.ref if isinstance(step, model.Include) else None for step in steps]
    release = refs.index("calf-release")
    ready = steps[release + 1]
    assert isinstance(ready, model.Prepare) and ready.until_ready and "stand" in ready.text
    assert refs[release + 2] == "calf-release-walk"


# --- the words: one name for a thing, one spelling, nothing espeak-ng mispronounces -------------


def _texts(node: object) -> Iterator[str]:
    """Every text in a routine file's data (titles, cues, notes, cautions), not its keys or the
    names of the routines it includes."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "routine":
                yield from _texts(value)


def _played(text: str) -> list[str]:
    """``text`` as heard on each side: both ways round, placeholders filled."""
    return [
        text.replace("{side}", side).replace("{other_side}", other)
        for side, other in (("right", "left"), ("left", "right"))
    ]


def _words(text: str) -> list[str]:
    """Lowercase words with punctuation (hyphens, dashes, curly quotes) as spaces."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


ALL_TEXT = {
    name: [
        played
        for text in _texts(yaml.safe_load((SOURCE_DIR / f"{name}.yaml").read_text("utf-8")))
        for played in _played(text)
    ]
    for name in EXPECTED
}


@pytest.mark.parametrize("name", EXPECTED)
def test_no_builtin_says_kneeward(name: str) -> None:
    # espeak-ng says "nee-wurd"; and it is not a word people use.
    assert [text for text in ALL_TEXT[name] if "kneeward" in text.lower()] == []


def test_the_back_of_the_knee_has_one_name() -> None:
    texts = [text.lower() for name in EXPECTED for text in ALL_TEXT[name]]
    others = ("hollow", "crease", "knee's", "behind the knee", "back of the knee", "knee joint")
    assert [t for t in texts if any(other in t for other in others)] == []
    assert sum("the back of your knee" in t for t in texts) >= 3


AMERICAN = {
    "toward": "towards",
    "afterward": "afterwards",
    "fiber": "fibre",
    "fibers": "fibres",
    "meter": "metre",
    "meters": "metres",
    "center": "centre",
    "centered": "centred",
    "color": "colour",
    "gray": "grey",
    "practiced": "practised",
    "analyze": "analyse",
    "behavior": "behaviour",
    "favorite": "favourite",
    "traveled": "travelled",
    "traveling": "travelling",
    "canceled": "cancelled",
    "catalog": "catalogue",
}


BRITISH_IZE = re.compile(r"(?!capsiz)[a-z]{3,}iz(e|ed|es|ing|ation|ations)")
"""-ize words, written -ise here ("synthesised", "organise")."""


def test_routines_readme_and_docs_spell_the_british_way() -> None:
    # The project writes British English ("metres", "practised", "fibre"); the routines too.
    places = {f"routines/{name}.yaml": " ".join(ALL_TEXT[name]) for name in EXPECTED}
    for path in [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md"))]:
        places[str(path.relative_to(REPOSITORY))] = path.read_text(encoding="utf-8")
    found = {
        (place, word)
        for place, text in places.items()
        for word in re.findall(r"[A-Za-z]+", text)
        if word.lower() in AMERICAN or BRITISH_IZE.fullmatch(word.lower())
    }
    assert sorted(found) == []


# --- in our own words: no run of five words from the source texts ------------------------------

RUN = 5
SEED_RUNS = REPOSITORY / "tests" / "sources" / "seed-runs.txt"
SEEDS_DIR = Path(os.environ.get("CALFKIT_SEEDS_DIR", "/work/shared/seeds"))


def _runs(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)]


def _digest(run: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def seed_runs_file(seeds: Path) -> str:
    """The seed texts' five-word runs, hashed: what tests/sources/seed-runs.txt holds. The
    source texts are other people's pages and stay out of the repository; their hashes are
    enough to check against."""
    digests = {
        _digest(run)
        for path in sorted(seeds.glob("*.txt"))
        for run in _runs(_words(path.read_text(encoding="utf-8")))
    }
    header = (
        f"# sha256[:16] of every run of {RUN} words in the texts the built-in routines were "
        "written from.\n# Regenerate: python tests/test_builtin_routines.py SEEDS_DIR\n"
    )
    return header + "".join(f"{digest}\n" for digest in sorted(digests))


def _seed_digests() -> set[str]:
    lines = SEED_RUNS.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_the_words_are_split_with_case_and_punctuation_set_aside() -> None:
    assert _words("Keep the ankle RELAXED. Hold 30-90 seconds; don\u2019t rush, hip-width.") == [
        *["keep", "the", "ankle", "relaxed", "hold", "30", "90", "seconds", "dont", "rush"],
        *["hip", "width"],
    ]


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed texts are not on this machine")
def test_the_seed_runs_file_is_up_to_date_with_the_seed_texts() -> None:
    assert SEED_RUNS.read_text(encoding="utf-8") == seed_runs_file(SEEDS_DIR)


def test_the_checker_catches_a_five_word_run_from_a_seed_and_not_a_four_word_one() -> None:
    digests = _seed_digests()
    assert len(digests) > 1000
    # Both from the hip to heel press page, which says "...so your knee is in line with your
    # left hip" and "Keep the ankle relaxed" (four words) in the foam roller one.
    assert _digest(tuple(_words("in line with your left"))) in digests
    assert not any(_digest(run) in digests for run in _runs(_words("So: keep the ankle relaxed!")))


@pytest.mark.parametrize("name", EXPECTED)
def test_builtin_shares_no_five_word_run_with_any_seed_text(name: str) -> None:
    digests = _seed_digests()
    shared = [
        (" ".join(run), text)
        for text in ALL_TEXT[name]
        for run in _runs(_words(text))
        if _digest(run) in digests
    ]
    assert shared == []


# --- heard whole: every cue can be said in its time at the normal rate ---------------------------

START_LAG = 0.5
"""The speech plan starts a cue at most this long after its step begins (chime included)."""

SENTENCE_PAUSE = 0.5
"""Seconds espeak-ng pauses at a full stop (or ``;``, ``:``, ``?``, ``!``), the last included."""

COMMA_PAUSE = 0.25
"""Seconds espeak-ng pauses at a comma."""


def said(text: str) -> str:
    """A cue as the speech sink says it: with a full stop."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def estimate(text: str) -> float:
    """Seconds to say ``text`` at calfkit's rate, from its words and pauses alone: the words
    at the nominal words per minute (espeak-ng says short words faster, so this errs long),
    and a pause at each full stop and comma (which it does not: the test below checks it
    against espeak-ng itself)."""
    words = len(text.split()) * 60 / SPEECH_RATE_WPM
    stops = len(re.findall(r"[.;:?!]", text))
    return words + stops * SENTENCE_PAUSE + text.count(",") * COMMA_PAUSE


def _quiet_tail(segment: Segment | None) -> float:
    """Seconds at the end of ``segment`` with nothing to say or hear: a cue may begin there.

    None after a ready step (it ends when Enter is pressed), a count or breaths (never over
    a count) or a hold that beeps its last seconds."""
    if segment is None or segment.until_ready or segment.ticks:
        return 0.0
    return max(0.0, segment.duration - START_LAG - estimate(said(segment.text)))


def cue_window(segment: Segment) -> float:
    """The seconds a step's own cue has, from the step's start, to be heard whole.

    A count: until the second count (the first falls on the step's start; the cue must be
    over before the counting it is about gets going). Breaths: until the first breath out.
    Any other step: the step itself (a ready step as long as it lasts in a track)."""
    if segment.kind is SegmentKind.COUNT and len(segment.ticks) > 1:
        return segment.ticks[1].offset
    if segment.kind is SegmentKind.BREATHE:
        return next(t.offset for t in segment.ticks if t.kind is TickKind.EXHALE)
    return segment.duration


def test_the_cue_window_of_each_kind() -> None:
    routine = library.load_ref("hip-to-heel-press")
    segments = compile_routine(routine).segments
    count = next(s for s in segments if s.kind is SegmentKind.COUNT)
    breath = next(s for s in segments if s.kind is SegmentKind.BREATHE)
    ready = next(s for s in segments if s.until_ready)
    assert (cue_window(count), cue_window(breath)) == (3.0, 4.0)
    assert cue_window(ready) == ready.duration >= 15.0
    assert estimate("One, two. Three four five six seven.") == pytest.approx(7 * 60 / 170 + 1.25)
    assert _quiet_tail(ready) == 0.0 and _quiet_tail(count) == 0.0


@pytest.mark.parametrize("name", EXPECTED)
def test_every_cue_of_a_builtin_can_be_said_whole_in_its_step(name: str) -> None:
    segments = compile_routine(library.load_ref(name)).segments
    late = []
    for segment in segments:
        before = segments[segment.index - 2] if segment.index > 1 else None
        # Counts and breaths may borrow the quiet end of the step before (the speech plan
        # starts a cue early there); every other cue fits in its own step.
        borrowed = _quiet_tail(before) if segment.kind in BORROWS else 0.0
        room = cue_window(segment) - START_LAG + borrowed
        needs = estimate(said(segment.text))
        if needs > room:
            late.append(f"{segment.index}: {needs:.1f}s in {room:.1f}s: {segment.text}")
    assert late == []


BORROWS = (SegmentKind.COUNT, SegmentKind.BREATHE)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
@pytest.mark.parametrize("name", EXPECTED)
def test_the_estimate_is_never_shorter_than_espeak_ng_says_it(name: str, tmp_path: Path) -> None:
    texts = sorted({said(s.text) for s in compile_routine(library.load_ref(name)).segments})
    short = []
    for number, text in enumerate(texts):
        out = tmp_path / f"{number}.wav"
        subprocess.run(
            ["espeak-ng", "-s", str(SPEECH_RATE_WPM), "-w", str(out), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        with wave.open(str(out)) as spoken:
            seconds = spoken.getnframes() / spoken.getframerate()
        assert seconds > 0.3
        if seconds > estimate(text):
            short.append(f"{seconds:.2f}s > {estimate(text):.2f}s: {text}")
    assert short == []


@pytest.mark.parametrize("name", EXPECTED)
def test_side_words_appear_only_inside_sides_blocks(name: str) -> None:
    routine = library.load_ref(name)
    for segment in compile_routine(routine).segments:
        assert "{side}" not in segment.text and "{other_side}" not in segment.text


def test_the_wheel_ships_every_builtin_routine_and_a_wheel_install_lists_them(
    tmp_path: Path,
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(wheels)],
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("calfkit_player-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = sorted(n for n in archive.namelist() if n.startswith("calfkit/routines/"))
        assert shipped == sorted(f"calfkit/routines/{name}.yaml" for name in EXPECTED)
        for name in EXPECTED:
            packaged = archive.read(f"calfkit/routines/{name}.yaml")
            assert packaged == (SOURCE_DIR / f"{name}.yaml").read_bytes()
        # A pure-Python wheel is a zip of the installed files: unpacked, it is an install.
        installed = tmp_path / "site"
        archive.extractall(installed)
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "list", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    listed = json.loads(done.stdout)
    assert [(entry["name"], entry["source"]) for entry in listed] == [
        (name, "built-in") for name in EXPECTED
    ]
    assert {Path(entry["path"]).parent for entry in listed} == {installed / "calfkit" / "routines"}


if __name__ == "__main__":
    # Regenerate tests/sources/seed-runs.txt from the seed texts' folder.
    SEED_RUNS.parent.mkdir(exist_ok=True)
    SEED_RUNS.write_text(seed_runs_file(Path(sys.argv[1])), encoding="utf-8")


# --- what a track and a watch show: names, and no word of a key ---------------------------------

NAME_CHARS = 15
"""What a watch shows of a step's name (FIT's 16 bytes with the terminator)."""

SIDE_MARK = len("R: ")
"""A step in a sides block is named on a watch with its side first."""


@pytest.mark.parametrize("name", EXPECTED)
def test_every_step_of_a_builtin_has_a_short_name_a_watch_shows_whole(name: str) -> None:
    def named(steps: tuple[model.Step, ...], budget: int) -> Iterator[tuple[str | None, int]]:
        for step in steps:
            if isinstance(step, model.Include):
                continue  # a part of its own, checked as its own built-in
            if isinstance(step, (model.Repeat, model.Sides)):
                inner = budget - SIDE_MARK if isinstance(step, model.Sides) else budget
                yield from named(step.steps, inner)
                continue
            yield step.name, budget

    found = list(named(library.load_ref(name).steps, NAME_CHARS))
    assert found
    assert [(n, b) for n, b in found if n is None or not 2 < len(n) <= b] == []


TEXT_KEY_WORDS = re.compile(
    r"(?i)\benter\b|\bpress\s+\+|(?:^|\s)\+(?:\s|$)|\bspace\b|\bkey\b|\blap\b"
)


@pytest.mark.parametrize("name", EXPECTED)
def test_no_builtin_text_names_a_key(name: str) -> None:
    # calfkit says how a step waits and how to stay longer, per medium: a track or a watch
    # has no Enter or + key.
    assert [text for text in ALL_TEXT[name] if TEXT_KEY_WORDS.search(text)] == []
    assert TEXT_KEY_WORDS.search("Press Enter when you are ready.")
    assert TEXT_KEY_WORDS.search("press + to stay longer")


@pytest.mark.parametrize("name", EXPECTED)
def test_a_count_or_breath_cue_leaves_the_counts_and_the_inhale_to_the_person(name: str) -> None:
    # Said from the step's start, a count's cue is over by the second count, a breath's
    # before half the first inhale: the counting and breathing are heard, not talked over.
    long = []
    for segment in compile_routine(library.load_ref(name)).segments:
        if segment.kind is SegmentKind.COUNT and len(segment.ticks) > 2:
            room = segment.ticks[2].offset
        elif segment.kind is SegmentKind.BREATHE:
            room = cue_window(segment) / 2
        else:
            continue
        if START_LAG + estimate(said(segment.text)) > room:
            long.append(segment.text)
    assert long == []


# What a routine does for you, or why a step is safe, is a claim: the routines say what to do
# and what you may feel, never what it achieves ("useful when…", "to protect…").
CLAIMS = (
    "learn to let go",
    "helps",
    "keep tense",
    "does the work",
    "stops lengthening",
    "useful",
    "to protect",
    "to guard",
    "is the muscle",
    "does more than",
    "through them",
)


@pytest.mark.parametrize("name", EXPECTED)
def test_no_builtin_makes_a_claim(name: str) -> None:
    assert [t for t in ALL_TEXT[name] if any(claim in t.lower() for claim in CLAIMS)] == []


def test_no_builtin_plan_makes_a_claim() -> None:
    plans = sorted((SOURCE_DIR.parent / "plans").glob("*.yaml"))
    assert plans
    texts = [t for p in plans for t in _texts(yaml.safe_load(p.read_text("utf-8")))]
    assert [t for t in texts if any(claim in t.lower() for claim in CLAIMS)] == []


def test_calf_care_says_each_caution_once_and_lists_the_block_or_chair() -> None:
    routine = library.load_ref("calf-care")
    cautions = [routine.caution or ""] + [
        step.routine.caution or "" for step in routine.steps if isinstance(step, model.Include)
    ]
    runs = [run for caution in cautions for run in set(_runs(_words(caution)))]
    assert len(runs) == len(set(runs)), "a run of five words said in two cautions"
    assert any("block or chair" in item for item in routine.equipment)


def test_calf_care_moves_the_roller_from_the_calf_to_the_pelvis_before_the_press() -> None:
    steps = library.load_ref("calf-care").steps
    refs = [step.ref if isinstance(step, model.Include) else None for step in steps]
    tops = range(refs.index("foam-roll-calf") + 2, refs.index("hip-to-heel-press") + 1)
    segments = compile_routine(library.load_ref("calf-care")).segments
    said_there = " ".join(s.text for s in segments if s.top in tops)
    assert "roller" in said_there and "pelvis" in said_there


def test_hip_to_heel_press_caution_fits_its_first_step_and_the_roller_goes_under_the_pelvis() -> (
    None
):
    routine = library.load_ref("hip-to-heel-press")
    first = routine.steps[0]
    assert isinstance(first, model.Prepare)
    assert estimate(said(routine.caution or "")) + START_LAG <= first.duration
    texts = " ".join(s.text for s in compile_routine(routine).segments).lower()
    assert "under your lower back" not in texts
    assert "under the pelvis" in texts and "low back" in texts and "across" in texts


def test_calf_release_says_where_the_hands_go_on_the_wall() -> None:
    texts = [s.text for s in compile_routine(library.load_ref("calf-release")).segments]
    assert any("palms" in t and "wall" in t for t in texts)


def test_rolled_mat_stretch_sets_up_the_hands_support_before_the_fold() -> None:
    steps = library.load_ref("rolled-mat-stretch").steps
    texts = [step.text for step in steps]  # type: ignore[attr-defined]
    fold = next(i for i, t in enumerate(texts) if "fold forward" in t)
    assert any("block or a chair" in t for t in texts[:fold])


# ---- by ear: every note is spoken (issue 17) ---------------------------------------------


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
@pytest.mark.parametrize("name", EXPECTED)
def test_every_note_of_a_builtin_is_spoken_in_play_with_the_default_settings(
    name: str, tmp_path: Path
) -> None:
    """Lying down with eyes shut, a note is heard or not at all: the speech plan ``play
    --voice`` makes (espeak-ng, every default) says each note where the routine shows it."""
    from calfkit.sound import DEFAULT_SPOKEN
    from calfkit.sound.plan import PhraseBook, PhraseKind, make_plan, new_note, texts_to_render
    from calfkit.sound.speech import EspeakVoice

    routine = library.load(BUILTIN_DIR / f"{name}.yaml")
    timeline = compile_routine(routine)
    program = shutil.which("espeak-ng")
    assert program is not None
    book = PhraseBook(EspeakVoice(program, routine.language))
    book.render_all(texts_to_render(timeline, speak=DEFAULT_SPOKEN))
    plan = make_plan(timeline, book, speak=DEFAULT_SPOKEN)
    segments = timeline.segments
    shown = [
        (segment.index, note)
        for position, segment in enumerate(segments)
        if (note := new_note(segments, position, 0)) is not None
    ]
    said = [(p.step, p.text) for p in plan.phrases if p.kind is PhraseKind.NOTE]
    assert said == shown
    assert [text for kind, _, text in plan.dropped if kind is PhraseKind.NOTE] == []


# ---- no key a medium lacks (issue 16) -------------------------------------------------------

# A key, in any words: Enter, the space bar, "press space", "+", the watch's lap button (not
# "press harder": pressing is also what a leg does).
KEY_WORDS = re.compile(
    r"(?i)\b(?:enter|space ?bar|keyboard|keys?|lap)\b|\+"
    r"|\bpress(?:es|ing)?\s+(?:the\s+)?(?:return|space|any|a key|[a-z](?!\w))"
)
WATCH_READY = "Press lap when ready."  # what calfkit itself writes on a watch's ready step


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_calf_care_as_a_track_and_a_workout_names_no_key_and_has_usable_chapters_and_names(
    tmp_path: Path,
) -> None:
    from garmin_fit_sdk import Decoder, Stream

    mp3, fit, log = tmp_path / "c.mp3", tmp_path / "c.fit", tmp_path / "c.jsonl"
    runner = CliRunner()
    made = runner.invoke(
        cli, ["export", "calf-care", str(mp3), "--voice", "--log-events", str(log)]
    )
    assert made.exit_code == 0, made.output
    made = runner.invoke(cli, ["export", "calf-care", str(fit)])
    assert made.exit_code == 0, made.output
    events = [json.loads(line) for line in log.read_text().splitlines()]
    spoken = [e["text"] for e in events if e["event"] == "speak"]
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(mp3)],
        check=True,
        capture_output=True,
        text=True,
    )
    chapters = json.loads(probed.stdout)["chapters"]
    titles = [c["tags"]["title"] for c in chapters]
    messages, errors = Decoder(Stream.from_file(str(fit))).read()
    assert errors == []
    workout = messages["workout_step_mesgs"]
    names = [s.get("wkt_step_name", "") for s in workout]
    notes = [s.get("notes", "").replace(WATCH_READY, "") for s in workout]
    said = [text for text in spoken + titles + names + notes if KEY_WORDS.search(text)]
    assert said == []
    # Every chapter is at most two minutes, or one step.
    starts = [e["scheduled"] for e in events if e["event"] in ("step", "switch")]
    for chapter in chapters:
        begin, end = float(chapter["start_time"]), float(chapter["end_time"])
        inside = [at for at in starts if begin <= at < end]
        assert end - begin <= 120 or len(inside) <= 1, chapter
    # Every watch step's name is the step's own name: (never a made-up kind word).
    routine = library.load(BUILTIN_DIR / "calf-care.yaml")
    timed = [
        step
        for step in model.every_step(routine.steps)
        if step.kind not in (model.Kind.REPEAT, model.Kind.SIDES, model.Kind.ROUTINE)
    ]
    assert [step for step in timed if not step.name] == []
