"""How late each sound reaches ALSA: from its event's scheduled time to the moment ALSA opened
its stream, at real speed, through the file-plugin fake card (calfkit.testing.card).

Runs ``calfkit play`` on a routine of quick counts, countdowns and breaths with
``--log-events``, and prints p50, p99 and max in milliseconds for each back end.
The target is p99 <= 10 ms.

    python bench/audio_latency.py [--backend simpleaudio --backend system] [--counts 40]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from calfkit.library import load
from calfkit.testing.card import FakeCard, due_sounds
from calfkit.timeline import compile_routine

ROUTINE = """calfkit: 1
title: Latency bench
steps:
  - prepare: Ready.
    duration: 1s
  - count: {counts}
    every: 0.5s
  - hold: Hold.
    duration: 5s
  - breathe: 3
    inhale: 1s
    exhale: 1s
  - rest: 1s
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(backend: str, routine: Path, folder: Path, worst: int = 0) -> list[float]:
    """Lateness in seconds of every sound of one real-speed session through ``backend``."""
    card = FakeCard(folder / backend)
    log = folder / f"{backend}.jsonl"
    env = card.env()
    if backend == "system":
        # Only aplay as the system player, so a desktop's pw-play is not measured instead.
        tools = folder / "bin"
        tools.mkdir(exist_ok=True)
        for tool in ("aplay", "sh", "date", "cat"):
            found = shutil.which(tool)
            if found and not (tools / tool).exists():
                (tools / tool).symlink_to(found)
        env["PATH"] = str(tools)
    subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(routine), "--plain", "--no-history",
         "--sound", backend, "--log-events", str(log)],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    due = due_sounds(log, compile_routine(load(routine)), lead_in=3.0)
    streams = [s for s in card.streams() if any(s.samples)]
    if len(streams) != len(due):
        raise SystemExit(f"{backend}: {len(streams)} sounds reached ALSA, {len(due)} expected")
    late = [stream.opened - at for stream, (at, _) in zip(streams, due, strict=True)]
    if worst:
        ranked = sorted(zip(late, due, strict=True), reverse=True)[:worst]
        for seconds, (_, sound) in ranked:
            print(f"  {backend}: a {sound.value} sound reached ALSA {1000 * seconds:.2f} ms late")
    return late


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=["simpleaudio", "system"])
    parser.add_argument("--counts", type=int, default=40, help="counts, 0.5 s apart")
    parser.add_argument("--worst", type=int, default=0, help="list the N latest sounds")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("needs Linux: the fake card is ALSA's file plugin")
    with tempfile.TemporaryDirectory(prefix="calfkit-latency-") as tmp:
        folder = Path(tmp)
        routine = folder / "latency.yaml"
        routine.write_text(ROUTINE.format(counts=args.counts))
        print(f"{'back end':<12} {'sounds':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for backend in args.backend or ["simpleaudio", "system"]:
            late = [1000 * s for s in measure(backend, routine, folder, args.worst)]
            print(
                f"{backend:<12} {len(late):>6} {statistics.median(late):>8.2f} "
                f"{percentile(late, 0.99):>8.2f} {max(late):>8.2f}"
            )


if __name__ == "__main__":
    main()
