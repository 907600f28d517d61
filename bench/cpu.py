"""How much CPU the live view costs: play a 20 s hold in a pseudo-terminal at real speed.

Prints the calfkit process's CPU seconds per wall second while the hold plays (the steady
state, after start-up), and for the whole run including Python's start-up. Target: at most
0.5 % of one core while playing.

    python bench/cpu.py [--seconds 20] [--columns 80] [--lines 24]

Linux only (it reads /proc/<pid>/schedstat, nanoseconds on the CPU; /proc/<pid>/stat's
clock ticks are the fallback). Needs pexpect.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROUTINE = """\
title: CPU bench
steps:
  - hold: Lean into the wall and stay there
    duration: {seconds}
    note: Breathe out slowly and let the heel sink.
"""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as handle:
            return int(handle.read().split()[0]) / 1e9
    except OSError:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of the hold")
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--lines", type=int, default=24)
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        print("bench/cpu.py needs Linux's /proc", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as folder:
        routine = Path(folder) / "cpu-bench.yaml"
        routine.write_text(ROUTINE.format(seconds=args.seconds), encoding="utf-8")
        env = dict(os.environ, TERM="xterm-256color", CALFKIT_HISTORY=str(Path(folder) / "h"))
        began = time.monotonic()
        child = pexpect.spawn(
            sys.executable,
            [
                "-m",
                "calfkit",
                "play",
                str(routine),
                "--sound",
                "off",
                "--no-history",
                "--lead-in",
                "0",
            ],
            dimensions=(args.lines, args.columns),
            env=env,
            timeout=args.seconds + 30,
        )
        output = b""
        # The first frame: start-up is over and the hold is playing.
        while b"Lean into the wall" not in output:
            output += child.read_nonblocking(65536, timeout=10)
        steady_from = time.monotonic()
        steady_cpu = cpu_seconds(child.pid)
        # Stop sampling a second before the end, while the process certainly still runs.
        steady_until = began + args.seconds - 1.0
        frames = 0
        last_cpu = steady_cpu
        while time.monotonic() < steady_until:
            try:
                chunk = child.read_nonblocking(65536, timeout=0.2)
                output += chunk
                frames += chunk.count(b"\x1b[H")
            except pexpect.TIMEOUT:
                pass
            last_cpu = cpu_seconds(child.pid)
        steady_to = time.monotonic()
        while child.isalive():
            with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
                output += child.read_nonblocking(65536, timeout=0.2)
            if child.isalive():
                total_cpu = cpu_seconds(child.pid)
        wall = time.monotonic() - began
        child.close()

    steady_wall = steady_to - steady_from
    steady = (last_cpu - steady_cpu) / steady_wall
    print(f"hold of {args.seconds} s in a {args.columns}x{args.lines} pseudo-terminal")
    print(f"start-up: {steady_cpu * 1000:.0f} ms CPU before the first frame")
    print(
        f"playing:  {(last_cpu - steady_cpu) * 1000:.1f} ms CPU in {steady_wall:.1f} s wall "
        f"= {steady * 100:.3f} % of one core ({frames} frames, "
        f"{(last_cpu - steady_cpu) * 1000 / max(frames, 1):.2f} ms per frame)"
    )
    print(f"whole run: {total_cpu:.3f} s CPU in {wall:.1f} s wall = {total_cpu / wall * 100:.2f} %")
    print(f"target while playing: <= 0.5 %: {'met' if steady <= 0.005 else 'NOT met'}")
    print(f"exit status {child.exitstatus}")
    return 0 if child.exitstatus == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
