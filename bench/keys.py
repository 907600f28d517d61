"""How long does a key take to act after a storm of ``+`` presses?

Plays a one-hold routine with the live view in an 80x24 pseudo-terminal (needs pexpect),
sends N presses of ``+`` (as fast as the pty takes them, or at ``--rate`` presses a second, as
key repeat would), then ``q``, and prints how long ``q`` took to act (from the moment it was
sent until the live view left the screen), how long until calfkit had exited (Python's own exit
included), how many ``extend`` events the event log holds, and the time left the screen
showed last. Target: ``q`` acts in well under 100 ms, whatever N. With ``--key space``, the
key sent after the presses is space, timed until the view shows PAUSED (then q ends it).

    python bench/keys.py [--presses N] [--rate PER_SECOND] [--runs R] [--key q|space]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROUTINE = """\
calfkit: 1
title: Keys bench
steps:
  - hold: Hold the stretch while the keys arrive.
    duration: 1h
"""

LEFT_SCREEN = b"\x1b[?1049l"  # the view leaves the alternate screen: q has acted
LEFT = re.compile(rb"(\d+(?::\d\d)+) left")
PAUSED = b"PAUSED"  # the view's band once space has acted


def one_run(
    tmp: Path, presses: int, rate: float | None, key: str = "q"
) -> tuple[float, float, int, str]:
    """(seconds until q acted, and until exit; extend events logged; the last "… left" the
    screen showed)."""
    import pexpect

    routine = tmp / "keys-bench.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    log = tmp / "events.jsonl"
    log.unlink(missing_ok=True)
    env = dict(os.environ, TERM="xterm-256color", CALFKIT_CONFIG_DIR=str(tmp / "config"))
    args = ["-m", "calfkit", "play", str(routine), "--sound", "off", "--no-history"]
    args += ["--lead-in", "0", "--log-events", str(log)]
    child = pexpect.spawn(sys.executable, args, dimensions=(24, 80), timeout=300, env=env)
    child.delaybeforesend = None  # pexpect's default 50 ms pause before each send would count
    child.expect("Hold the stretch")
    seen = b""
    sent = 0
    began = time.monotonic()
    while sent < presses:
        burst = 1 if rate else min(64, presses - sent)
        child.send("+" * burst)
        sent += burst
        if rate:
            time.sleep(max(0.0, began + sent / rate - time.monotonic()))
        with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
            seen += child.read_nonblocking(1 << 16, timeout=0)
    quit_at = time.monotonic()
    mark = len(seen)
    acted = None
    if key == "space":
        child.send(" ")
        while PAUSED not in seen[mark:]:
            seen += child.read_nonblocking(1 << 16, timeout=300)
        acted = time.monotonic() - quit_at
    child.send("q")
    while True:
        try:
            seen += child.read_nonblocking(1 << 16, timeout=300)
        except pexpect.EOF:
            break
        if acted is None and LEFT_SCREEN in seen[mark:]:
            acted = time.monotonic() - quit_at
    exited = time.monotonic() - quit_at
    child.close()
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    extends = sum(1 for record in records if record["event"] == "extend")
    shown = LEFT.findall(seen)
    return (
        acted if acted is not None else exited,
        exited,
        extends,
        shown[-1].decode() if shown else "?",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=1800, help="presses of + (default 1800)")
    parser.add_argument("--rate", type=float, help="presses a second (default: as fast as sent)")
    parser.add_argument("--runs", type=int, default=3, help="sessions to play (default 3)")
    parser.add_argument("--key", choices=["q", "space"], default="q", help="the key timed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="calfkit-keys-") as name:
        took = []
        for run in range(args.runs):
            acted, exited, extends, left = one_run(Path(name), args.presses, args.rate, args.key)
            took.append(acted)
            print(
                f"run {run + 1}: {args.presses} presses of +, {extends} extend events, "
                f"screen last showed {left} left; {args.key} acted in {acted * 1000:.1f} ms, "
                f"exited after {exited * 1000:.1f} ms"
            )
    took.sort()
    median = took[len(took) // 2] * 1000
    print(f"{args.key} after {args.presses} presses acted in: median {median:.1f} "
          f"ms, max {took[-1] * 1000:.1f} ms  (target well under 100 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
