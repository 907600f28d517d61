"""How the speech plan does on every built-in routine, with the real espeak-ng.

For each built-in: how many step cues there are, how many are heard whole (none is cut
when nobody touches a key, and none overlaps another phrase), the median and worst start lag
(how long after its step began each cue starts; negative when it starts early in the quiet
before), how many cues were sped up and by how much at most, and the previews dropped.

    python bench/voice.py [--rate WPM]
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
    args = parser.parse_args()
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("espeak-ng is not installed", file=sys.stderr)
        return 1
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


if __name__ == "__main__":
    raise SystemExit(main())
