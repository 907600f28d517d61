"""How close to its schedule does calfkit fire each event, at real speed?

Writes a 35-second routine dense with events (prepare, holds, quick counts, breaths, rest,
both sides), plays it with ``calfkit play FILE --plain --lead-in 0 --no-history --sound off
--log-events LOG`` and prints p50, p99 and max of |actual - scheduled| over every logged event.
Target: p99 <= 5 ms, max <= 20 ms.

``--engine`` plays the same file in-process (loader -> timeline -> Player on the monotonic
clock -> event log only), which isolates the engine from the CLI and its sinks; that is also
what runs when ``calfkit play`` is not installed.

``--live`` plays it with the live view in a pseudo-terminal (needs pexpect), the way a person
sees it.

``--history`` keeps the practice log on (a fresh file in a temporary folder), as it is by
default: its row is written before the player's clock starts, so it must not make the first
step late. ``--sound CHOICE`` plays through that back end instead of ``off``.

    python bench/timing.py [--engine | --live] [--history] [--sound CHOICE] [--runs N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTINE = """\
calfkit: 1
title: Timing bench
steps:
  - prepare: Settle in.
    duration: 2s
  - hold: Hold the stretch.
    duration: 6s
    countdown: 5
  - count: 24
    every: 0.25s
  - breathe: 4
    inhale: 1s
    exhale: 1s
  - rest: 2s
  - sides: [right, left]
    switch: 1s
    steps:
      - count: 10
        every: 0.3s
        cue: Roll the {side} calf.
      - hold: Press the {side} heel down.
        duration: 2s
"""


OPTIONS = {"history": False, "sound": "off"}


def _options(log: Path) -> tuple[list[str], dict[str, str]]:
    """The play options and environment for ``--history`` and ``--sound``."""
    args = ["--lead-in", "0", "--sound", str(OPTIONS["sound"]), "--log-events", str(log)]
    env = dict(os.environ)
    if OPTIONS["history"]:
        env["CALFKIT_HISTORY"] = str(log.with_suffix(".sqlite3"))
    else:
        args.append("--no-history")
    return args, env


def play_cli(routine: Path, log: Path) -> None:
    args, env = _options(log)
    command = [sys.executable, "-m", "calfkit", "play", str(routine), "--plain", *args]
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
    )


def play_live(routine: Path, log: Path) -> None:
    """The same, with the live view drawing into an 80x24 pseudo-terminal (keys read too)."""
    import pexpect

    options, env = _options(log)
    args = ["-m", "calfkit", "play", str(routine), *options]
    child = pexpect.spawn(sys.executable, args, dimensions=(24, 80), timeout=120, env=env)
    child.expect(pexpect.EOF)  # reads (and drops) every frame as it comes
    child.close()
    if child.exitstatus != 0:
        raise SystemExit(f"calfkit play exited {child.exitstatus}")


def play_engine(routine: Path, log: Path) -> None:
    from calfkit.library import load
    from calfkit.player.clock import MonotonicClock
    from calfkit.player.engine import Player
    from calfkit.player.events import NoControls
    from calfkit.sinks.eventlog import EventLogSink
    from calfkit.timeline import compile_routine

    timeline = compile_routine(load(routine))
    Player(
        timeline,
        clock=MonotonicClock(),
        controls=NoControls(),
        sinks=[EventLogSink(log)],
        lead_in=0,
    ).run()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", action="store_true", help="play in-process, not via the CLI")
    parser.add_argument(
        "--live", action="store_true", help="with the live view in a pseudo-terminal"
    )
    parser.add_argument("--runs", type=int, default=1, help="sessions to play (default 1)")
    parser.add_argument("--history", action="store_true", help="keep the practice log on")
    parser.add_argument("--sound", default="off", help="--sound for calfkit play (default off)")
    args = parser.parse_args()
    OPTIONS.update(history=args.history, sound=args.sound)

    use_cli = not args.engine and importlib.util.find_spec("calfkit.cli.play_cmd") is not None
    errors_ms: list[float] = []
    with tempfile.TemporaryDirectory(prefix="calfkit-timing-") as tmp:
        routine = Path(tmp) / "timing-bench.yaml"
        routine.write_text(ROUTINE, encoding="utf-8")
        for run in range(args.runs):
            log = Path(tmp) / f"events-{run}.jsonl"
            began = time.monotonic()
            (play_live if args.live else play_cli if use_cli else play_engine)(routine, log)
            took = time.monotonic() - began
            records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
            errors_ms.extend(abs(r["actual"] - r["scheduled"]) * 1000 for r in records)
            first_step = next(r for r in records if r["event"] == "step")
            print(
                f"run {run + 1}: first step "
                f"{(first_step['actual'] - first_step['scheduled']) * 1000:.3f} ms late"
            )
            worst = max(records, key=lambda r: abs(r["actual"] - r["scheduled"]))
            late = abs(worst["actual"] - worst["scheduled"]) * 1000
            print(f"run {run + 1}: latest event {worst['event']} at {worst['scheduled']:.3f} s, "
                  f"{late:.3f} ms off")  # fmt: skip
            last = records[-1]
            print(
                f"run {run + 1}: {len(records)} events, routine ended at "
                f"{last['scheduled']:.3f} s (last event {last['event']}), wall {took:.2f} s"
            )
    errors_ms.sort()
    how = "calfkit play (CLI)" if use_cli else "engine in-process"
    if args.live:
        how = "calfkit play with the live view in an 80x24 pseudo-terminal"
    print(f"played via: {how}; history {'on' if args.history else 'off'}, sound {args.sound}")
    print(f"events: {len(errors_ms)}")
    print(f"|actual - scheduled|  p50 {percentile(errors_ms, 0.50):.3f} ms")
    print(f"|actual - scheduled|  p99 {percentile(errors_ms, 0.99):.3f} ms  (target <= 5 ms)")
    print(f"|actual - scheduled|  max {errors_ms[-1]:.3f} ms  (target <= 20 ms)")
    ok = percentile(errors_ms, 0.99) <= 5 and errors_ms[-1] <= 20
    print("within target" if ok else "OUTSIDE TARGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
