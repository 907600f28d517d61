"""How the speech plan does on every built-in routine, with a real voice (espeak-ng, or Piper).

For each built-in, at speed 1 with nobody touching a key: how many step cues there are, how
many are heard whole (none is cut, and none overlaps another phrase), the median and worst
start lag (how long after its step began each cue starts; negative when it starts early in
the quiet before), how many cues were sped up and by how much at most; then, for what the
voice says besides the cues, how many were said of how many the routine has: notes (a step's
note, once per run of steps showing the same one), time left (halfway, ten seconds, the last
three seconds of holds), counts (of counts at least 1.5 s apart) and previews. The rest were
dropped for lack of room (a dropped count or countdown second is beeped instead).

    python bench/voice.py [--rate WPM] [--engine espeak-ng|piper] [--speak WHAT]

With ``--phrases N [N ...]``, instead: how ``calfkit export --voice`` grows with the number of
different phrases. For each N, a routine of repeat blocks (100 rounds of 10 five-second holds,
``{round}`` in every cue, as many blocks as N needs) is exported to a WAV file by a child
process; printed are its wall time and its peak memory (the child's ru_maxrss).

    python bench/voice.py --phrases 100 500 1000 2000

A second table gives, for each built-in at each of ``--speeds`` (1, 2 and 4 by default), what
becomes of its step cues (side switches included) as ``play --voice --speed X`` plans them:
spoken, on time (starting at most 0.5 s of routine time after its step), dropped (left out
and logged as such), cut (would overlap the next phrase, or run on more than 0.5 s into the
next step at speed 1 or at all at other speeds), and the rate they were rendered at.

    python bench/voice.py [--rate WPM] [--engine espeak-ng|piper] [--speak WHAT] [--speeds 1,2,4]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time

from calfkit import library
from calfkit.sound import DEFAULT_SPOKEN, parse_spoken
from calfkit.sound.plan import (
    CUE_LATE_SECONDS,
    PhraseBook,
    PhraseKind,
    make_plan,
    session_time,
    texts_to_render,
)
from calfkit.sound.speech import DEFAULT_RATE_WPM, EspeakVoice, Voice
from calfkit.timeline import Timeline, compile_routine

EXTRAS = (
    ("notes", PhraseKind.NOTE),
    ("time", PhraseKind.TIME),
    ("counts", PhraseKind.COUNT),
    ("previews", PhraseKind.PREVIEW),
)


def engine(name: str, language: str) -> Voice | None:
    if name == "piper":
        from calfkit.sound.piper import PiperVoice, find_model, piper_installed

        model = find_model()
        if not piper_installed() or model is None:
            print("Piper or a voice model is not installed ([piper] extra)", file=sys.stderr)
            return None
        return PiperVoice(model)
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("espeak-ng is not installed", file=sys.stderr)
        return None
    return EspeakVoice(espeak, language)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE_WPM, help="words a minute")
    parser.add_argument("--engine", choices=("espeak-ng", "piper"), default="espeak-ng")
    parser.add_argument("--speak", default="all", help="what is said besides cues (as play)")
    parser.add_argument("--phrases", type=int, nargs="+", metavar="N", help="growth mode")
    parser.add_argument("--speeds", default="1,2,4", help="speeds for the second table")
    args = parser.parse_args()
    if args.phrases:
        return growth(args.phrases, args.engine)
    speak = parse_spoken(args.speak) if args.speak != "all" else DEFAULT_SPOKEN
    print(
        f"{'routine':20} {'cues':>5} {'whole':>6} {'median lag':>11} {'worst lag':>10} "
        f"{'sped up':>8} {'max speed':>10} "
        + " ".join(f"{word:>9}" for word, _ in EXTRAS)
        + f" {'render s':>9}"
    )
    from calfkit.library.lookup import builtin_routines_dir

    voices: dict[str, Voice] = {}
    for path in sorted(builtin_routines_dir().glob("*.yaml")):
        name = path.stem
        loaded = library.load(path)
        timeline = compile_routine(loaded)
        voice = voices.get(loaded.language) or engine(args.engine, loaded.language)
        if voice is None:
            return 1
        voices[loaded.language] = voice
        book = PhraseBook(voice, wpm=args.rate)
        began = time.perf_counter()
        book.render_all(texts_to_render(timeline, speak=speak))
        plan = make_plan(timeline, book, speak=speak)
        took = time.perf_counter() - began
        phrases = plan.phrases
        starts = [session_time(plan, timeline, p) for p in phrases]
        overlaps = {
            i + 1 for i in range(len(phrases) - 1) if starts[i + 1] < starts[i] + phrases[i].seconds
        }
        cues = [
            (i, p) for i, p in enumerate(phrases) if p.kind in (PhraseKind.CUE, PhraseKind.SWITCH)
        ]
        whole = sum(1 for i, _ in cues if i not in overlaps)
        lags = [starts[i] - (plan.lead_in + timeline.segments[p.step - 1].start) for i, p in cues]
        sped = [p.speed for _, p in cues if p.speed > 1.0]
        extras = []
        for word, kind in EXTRAS:
            said = sum(1 for p in phrases if p.kind is kind)
            dropped = sum(1 for k, _, _ in plan.dropped if k is kind)
            extras.append(f"{said:>4}/{said + dropped:<4}" if word in speak else f"{'off':>9}")
        print(
            f"{name:20} {len(cues):5} {whole:6} {statistics.median(lags):10.2f}s "
            f"{max(lags):9.2f}s {len(sped):8} {max(sped, default=1.0):9.2f}x "
            + " ".join(extras)
            + f" {took:9.2f}"
        )
    speeds = [float(x) for x in args.speeds.split(",")]
    print()
    print(
        f"{'routine':20} {'speed':>5} {'cues':>5} {'spoken':>7} {'on time':>8} "
        f"{'dropped':>8} {'cut':>5} {'wpm':>5}"
    )
    for path in sorted(builtin_routines_dir().glob("*.yaml")):
        loaded = library.load(path)
        timeline = compile_routine(loaded)
        for speed in speeds:
            book = PhraseBook(voices[loaded.language], wpm=args.rate, speed=speed)
            row = speed_row(timeline, book, speak)
            print(f"{path.stem:20} {speed:5g} " + " ".join(f"{n:>{w}}" for n, w in row))
    return 0


def many_phrases(count: int) -> str:
    """A routine whose cues say ``count`` different things (as ten steps a round)."""
    rounds = max(1, min(100, count // 10))
    per_round = max(1, min(10, count // rounds))
    blocks = max(1, count // (rounds * per_round))
    lines = ["calfkit: 1", f"title: {count} phrases", "steps:"]
    for block in range(blocks):
        lines += [f"  - repeat: {rounds}", "    steps:"]
        for step in range(per_round):
            lines += [
                f"      - hold: Hold position {step + 1} of part {block + 1}, round {{round}}",
                "        duration: 5s",
            ]
    return "\n".join(lines) + "\n"


def growth(counts: list[int], engine: str = "espeak-ng") -> int:
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    print(f"{'phrases':>8} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="calfkit-voice-bench-") as folder:
        for count in counts:
            routine = Path(folder) / f"phrases-{count}.yaml"
            routine.write_text(many_phrases(count), encoding="utf-8")
            out = Path(folder) / "out.wav"
            argv = [sys.executable, "-m", "calfkit", "export", str(routine), str(out), "--voice",
                    "--force"]  # fmt: skip
            if engine != "piper":  # the system's voice, even where Piper is installed
                argv += ["--voice-model", "system"]
            began = time.perf_counter()
            child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(child.pid, 0)
            took = time.perf_counter() - began
            if status != 0:
                print(f"{count:8} failed: {child.stderr.read().decode()}", file=sys.stderr)
                return 1
            scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
            print(f"{count:8} {took:8.1f} {usage.ru_maxrss * scale / 1e6:8.0f}", flush=True)
    return 0


def speed_row(timeline: Timeline, book: PhraseBook, speak: frozenset[str]) -> list[tuple[int, int]]:
    """(figure, column width) of the speed table for ``timeline`` planned with ``book``."""
    book.render_all(texts_to_render(timeline, speak=speak))
    plan = make_plan(timeline, book, speak=speak)
    segments = timeline.segments
    phrases = plan.phrases
    starts = [session_time(plan, timeline, p) for p in phrases]
    cue_kinds = (PhraseKind.CUE, PhraseKind.SWITCH)
    spoken = on_time = cut = 0
    run_on = CUE_LATE_SECONDS if book.speed == 1.0 else 0.0
    for i, phrase in enumerate(phrases):
        if phrase.kind not in cue_kinds:
            continue
        spoken += 1
        step = segments[phrase.step - 1]
        if starts[i] <= plan.lead_in + step.start + CUE_LATE_SECONDS + 1e-6:
            on_time += 1
        ends = starts[i] + phrase.seconds
        overlaps = i + 1 < len(phrases) and starts[i + 1] < ends - 1e-6
        if overlaps or ends > plan.lead_in + step.end + run_on + 1e-6:
            cut += 1
    dropped = sum(1 for kind, _, _ in plan.dropped if kind in cue_kinds)
    return [(len(segments), 5), (spoken, 7), (on_time, 8), (dropped, 8), (cut, 5), (book.wpm, 5)]


if __name__ == "__main__":
    raise SystemExit(main())
