"""How long does the live view take to draw one frame, at each terminal size?

Plays a routine's events into a :class:`calfkit.sinks.live.LiveView` whose rich Console
writes to memory (the alternate screen on, as in a real terminal) at 40x15, 80x24, 100x30
and 200x50, times every ``handle`` that draws, and prints p50, p99 and max per size. Also
prints what making the view costs (the imports it does up front) and the digit font's import.

    python bench/frames.py [--events N]
"""

from __future__ import annotations

import argparse
import io
import math
import subprocess
import sys
import time

ROUTINE = """\
title: Frame bench
caution: Stop at once if you feel pain behind the knee, numbness or tingling in the foot.
steps:
  - hold: Lean into the wall with the back knee straight and the heel heavy on the floor
    duration: 60
    note: If the pull turns sharp at any point, ease off until it is only a gentle stretch.
  - count: 30
    cue: Lower both heels slowly to the floor and lift them again
  - breathe: 6
    inhale: 4
    exhale: 4
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def frames(columns: int, lines: int) -> list[float]:
    import tempfile
    from pathlib import Path

    from rich.console import Console

    from calfkit.library import load
    from calfkit.sinks.live import LiveView
    from calfkit.testing import play_fast
    from calfkit.timeline import compile_routine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(ROUTINE, encoding="utf-8")
        timeline = compile_routine(load(path))
    events = play_fast(timeline, lead_in=3).events
    console = Console(
        file=io.StringIO(), width=columns, height=lines, force_terminal=True, color_system="256"
    )
    view = LiveView(console)
    took: list[float] = []
    for event in events[:-1]:  # the last one closes the view
        began = time.perf_counter()
        view.handle(event)
        took.append((time.perf_counter() - began) * 1000)
    view.close()
    return took


def import_ms(code: str) -> float:
    run = [sys.executable, "-c", f"import time; t = time.perf_counter(); {code}; "
           "print((time.perf_counter() - t) * 1000)"]  # fmt: skip
    best = min(float(subprocess.check_output(run, text=True)) for _ in range(5))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    for columns, lines in ((40, 15), (80, 24), (100, 30), (200, 50)):
        took = frames(columns, lines)
        print(
            f"{columns:>3}x{lines:<3} {len(took):4d} events"
            f"  frame p50 {percentile(took, 0.5):.2f} ms"
            f"  p99 {percentile(took, 0.99):.2f} ms  max {max(took):.2f} ms"
        )
    made = import_ms("from calfkit.sinks.live import LiveView; LiveView()")
    print(f"import calfkit.sinks.live + LiveView(): {made:.1f} ms (best of 5, fresh process)")
    print(f"import calfkit.sinks.digits: {import_ms('import calfkit.sinks.digits'):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
