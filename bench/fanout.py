"""How long calfkit takes to refuse includes that fan out: files l0.yaml ... l<N-1>.yaml, each
of whose steps is 300 lines of ``- routine: ./l<k+1>.yaml`` (the last file a single rest), so
l0 expands to 300^(N-1) steps. For each command (``validate l0.yaml``, ``show l0.yaml``, ``list``
on a CALFKIT_PATH holding them) it prints the wall time, the CPU time of the child (on a busy
machine the wall time is mostly waiting), the exit code and how many error (or, for ``list``,
invalid) lines it printed.

    python bench/fanout.py [--files N] [--width W]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GUARD_SECONDS = 120.0


def fan_out(folder: Path, files: int, width: int) -> None:
    for k in range(files):
        last = k == files - 1
        steps = "  - rest: 1\n" if last else f"  - routine: ./l{k + 1}.yaml\n" * width
        text = f"calfkit: 1\ntitle: Level {k}\nsteps:\n{steps}"
        (folder / f"l{k}.yaml").write_text(text, encoding="utf-8")


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int | None, list[str]]:
    """Wall seconds, CPU seconds (user and system, of the child), exit code, output lines."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", *argv],
            capture_output=True, text=True, env=env, timeout=GUARD_SECONDS,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return time.perf_counter() - began, math.nan, None, []
    took = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = (done.stdout + done.stderr).splitlines()
    return took, cpu, done.returncode, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=9, help="how many files (default 9)")
    parser.add_argument("--width", type=int, default=300, help="includes per file (300)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="calfkit-fanout-") as name:
        folder = Path(name)
        fan_out(folder, args.files, args.width)
        env = dict(os.environ, CALFKIT_PATH=str(folder), CALFKIT_CONFIG_DIR=str(folder / "cfg"))
        size = sum(p.stat().st_size for p in folder.glob("*.yaml"))
        print(f"{args.files} files of {args.width} includes ({size / 1000:.0f} kB)")
        print(f"{'command':18} {'wall s':>7} {'CPU s':>6} {'exit':>5} {'errors':>7}  first error")
        l0 = str(folder / "l0.yaml")
        for label, argv in (
            ("validate l0.yaml", ["validate", l0]),
            ("show l0.yaml", ["show", l0]),
            ("list", ["list"]),
        ):
            took, cpu, code, lines = run(argv, env)
            errors = [line for line in lines if ": error: " in line or "invalid" in line]
            shown = "timed out" if code is None else (errors[0] if errors else "")
            print(f"{label:18} {took:7.2f} {cpu:6.2f} {code if code is not None else '-':>5} "
                  f"{len(errors):7}  {shown[len(name) + 1:][:100]}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
