"""How the speech plan does on every built-in routine, with the real espeak-ng.

For each built-in: how many step cues there are, how many are heard whole (none is cut
when nobody touches a key, and none overlaps another phrase), the median and worst start lag
(how long after its step began each cue starts; negative when it starts early in the quiet
before), how many cues were sped up and by how much at most, and the previews dropped.

    python bench/voice.py [--rate WPM]

With ``--phrases N [N ...]``, instead: how ``calfkit export --voice`` grows with the number of
different phrases. For each N, a routine of repeat blocks (100 rounds of 10 five-second holds,
``{round}`` in every cue, as many blocks as N needs) is exported to a WAV file by a child
process; printed are its wall time and its peak memory (the child's ru_maxrss).

    python bench/voice.py --phrases 100 500 1000 2000
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time

from calfkit import library
from calfkit.sound.plan import PhraseBook, PhraseKind, make_plan, session_time, texts_to_render
from calfkit.sound.speech import DEFAULT_RATE_WPM, EspeakVoice
from calfkit.timeline import compile_routine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE_WPM, help="words a minute")
    parser.add_argument("--phrases", type=int, nargs="+", metavar="N", help="growth mode")
    args = parser.parse_args()
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("espeak-ng is not installed", file=sys.stderr)
        return 1
    if args.phrases:
        return growth(args.phrases)
    print(
        f"{'routine':20} {'cues':>5} {'whole':>6} {'median lag':>11} {'worst lag':>10} "
        f"{'sped up':>8} {'max speed':>10} {'previews dropped':>17} {'render s':>9}"
    )
    from calfkit.library.lookup import builtin_routines_dir

    for path in sorted(builtin_routines_dir().glob("*.yaml")):
        name = path.stem
        loaded = library.load(path)
        timeline = compile_routine(loaded)
        book = PhraseBook(EspeakVoice(espeak, loaded.language), wpm=args.rate)
        began = time.perf_counter()
        book.render_all(texts_to_render(timeline))
        plan = make_plan(timeline, book)
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
        dropped = sum(1 for kind, _, _ in plan.dropped if kind is PhraseKind.PREVIEW)
        print(
            f"{name:20} {len(cues):5} {whole:6} {statistics.median(lags):10.2f}s "
            f"{max(lags):9.2f}s {len(sped):8} {max(sped, default=1.0):9.2f}x "
            f"{dropped:17} {took:9.2f}"
        )
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


def growth(counts: list[int]) -> int:
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


if __name__ == "__main__":
    raise SystemExit(main())
