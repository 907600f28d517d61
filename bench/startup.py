"""How long calfkit takes to start, against the bare interpreter.

Runs ``python -c pass``, ``calfkit --help`` and ``calfkit list`` interleaved (one of each per
round, so a busy machine slows all three alike), many rounds, and prints each median wall time
and its ratio to bare Python. Targets: ``--help`` within 1.8x and ``list`` within 2.4x.

    python bench/startup.py [--runs 30]

calfkit is run as ``python -m calfkit``'s equivalent console script from this interpreter's
``bin`` folder when there is one (a pyenv shim in front of it would add its own start-up),
else through ``python -c`` calling the entry point. ``list`` is timed with a warm summary
cache (the first, untimed run fills it) and again with the cache emptied before every run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"calfkit --help": 1.8, "calfkit list": 2.4}


def calfkit_command() -> list[str]:
    script = Path(sys.executable).with_name("calfkit")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from calfkit.cli import main; main()"]


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def practise(env: dict[str, str]) -> None:
    """Play a short routine a few times at real speed, so the practice log has sessions."""
    routine = Path(env["XDG_CONFIG_HOME"]) / "practice.yaml"
    routine.parent.mkdir(parents=True, exist_ok=True)
    routine.write_text("title: Practice\nsteps:\n  - hold: Still\n    duration: 0.1\n")
    for _ in range(3):
        subprocess.run(
            [sys.executable, "-m", "calfkit", "play", str(routine), "--lead-in", "0",
             "--sound", "off", "--plain"],
            env=env, stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="rounds (default 30)")
    args = parser.parse_args()

    calfkit = calfkit_command()
    work = Path(tempfile.mkdtemp(prefix="calfkit-bench-"))
    # The real lookup path (platformdirs and all), pointed at empty folders: only built-ins.
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_CACHE_HOME": str(work / "cache"),
        "XDG_DATA_HOME": str(work / "data"),
        "COLUMNS": "100",
    }
    for variable in ("CALFKIT_PATH", "CALFKIT_CONFIG_DIR", "CALFKIT_CACHE_DIR", "CALFKIT_HISTORY"):
        env.pop(variable, None)
    # A user who runs `list` has practised before: its "last done" column reads a real log.
    practise(env)
    # An installed package has its bytecode compiled; a checkout gets it on the first run,
    # unless the environment forbids writing it (then every run would compile calfkit anew).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "calfkit --help": [*calfkit, "--help"],
        "calfkit list": [*calfkit, "list"],
        "calfkit list (cold cache)": [*calfkit, "list"],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    try:
        for command in commands.values():  # warm the disk cache and the summary cache
            wall(command, env)
        for _ in range(args.runs):
            for label, command in commands.items():
                if label.endswith("(cold cache)"):
                    shutil.rmtree(work / "cache", ignore_errors=True)
                times[label].append(wall(command, env))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base = statistics.median(times["python -c pass"])
    print(
        f"{args.runs} interleaved runs each; {' '.join(calfkit)}; Python {sys.version.split()[0]}"
    )
    print(f"{'command':<28}{'median':>10}{'ratio':>8}{'target':>8}")
    for label, samples in times.items():
        median = statistics.median(samples)
        target = TARGETS.get(label)
        verdict = (
            ""
            if target is None
            else f"{target:.1f}x " + ("ok" if median / base <= target else "MISSED")
        )
        print(f"{label:<28}{median * 1000:>8.1f}ms{median / base:>7.2f}x  {verdict}")


if __name__ == "__main__":
    main()
