"""Chapters a phone can use (export/chapters.py): split where the routine splits, at most two
minutes unless one step is longer, short titles, written in time order (read back by ffprobe
and mutagen from a real MP3)."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

from click.testing import CliRunner
from mutagen.id3 import ID3

from calfkit.cli import cli
from calfkit.export.chapters import short_label

ROUTINES = Path(__file__).parent / "routines"


def probe(mp3: Path) -> list[tuple[float, float, str]]:
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(mp3)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [
        (float(c["start_time"]), float(c["end_time"]), c["tags"]["title"])
        for c in json.loads(found.stdout)["chapters"]
    ]


def test_a_long_sides_block_gets_a_chapter_per_side_and_pass_in_time_order(
    tmp_path: Path,
) -> None:
    mp3 = tmp_path / "long.mp3"
    result = CliRunner().invoke(
        cli, ["export", str(ROUTINES / "long-passes.yaml"), str(mp3), "--lead-in", "5"]
    )
    assert result.exit_code == 0, result.output
    chapters = probe(mp3)  # as written in the file, which ffprobe does not sort
    assert [title for _, _, title in chapters] == [
        "Sit with the roller under",
        "Right side · First pass",
        "Right side · Toes in",
        "Right side · Toes out",
        "Right side · Stay on a tender spot for a long",
        "Switch to your left side",
        "Left side · First pass",
        "Left side · Toes in",
        "Left side · Toes out",
        "Left side · Stay on a tender spot for a long",
        "Rest",
    ]
    starts = [start for start, _, _ in chapters]
    assert starts == sorted(starts) and starts[0] == 0.0  # the lead-in is in the first
    assert chapters[1][0] == 15.0  # 5 s of lead-in, then the 10 s first step
    for (_, end, _), (start, _, _) in itertools.pairwise(chapters):
        assert end == start
    lengths = [end - start for start, end, _ in chapters]
    # Passes of 85 s, 80 s and 50 s; the 2m30s hold after the third is a chapter of its own.
    assert lengths[1:5] == [85.0, 80.0, 50.0, 150.0]
    assert all(length <= 120 for index, length in enumerate(lengths) if index not in (4, 9))
    tags = ID3(str(mp3))
    (toc,) = tags.getall("CTOC")
    assert [frame.element_id for frame in tags.getall("CHAP")] == toc.child_element_ids


def test_a_cue_becomes_its_first_clause_cut_at_a_word_never_on_a_dangling_word() -> None:
    assert short_label("Hold it there.") == "Hold it there"
    assert short_label("Pass 1, straight: roll from the ankle up.") == "Pass 1"
    assert short_label("Roll a mat or a blanket into a firm log and set it down.") == (
        "Roll a mat or a blanket"
    )
    assert len(short_label("x" * 100).encode()) == 32


def test_each_round_of_an_included_routines_named_block_says_which_block_it_is(
    tmp_path: Path,
) -> None:
    # calf-care includes calf-release, whose three repeats (feet parallel, legs turned out,
    # legs turned in) each get a chapter per round: the title says which position it is, not
    # nine chapters called "Calf Release at the Wall · Round 1 of 3" three times over.
    mp3 = tmp_path / "calf-care.mp3"
    result = CliRunner().invoke(cli, ["export", "calf-care", str(mp3)])
    assert result.exit_code == 0, result.output
    titles = [title for _, _, title in probe(mp3)]
    rounds = [title for title in titles if "Round" in title]
    assert rounds == [
        f"{block} · Round {n} of 3"
        for block in ("Feet parallel", "Legs turned out", "Legs turned in")
        for n in (1, 2, 3)
    ]
    # A phone's list of chapters tells every one apart (the two switches to the left side
    # are the same move, in two parts).
    repeated = {title for title in titles if titles.count(title) > 1}
    assert repeated == {"Switch to your left side"}
