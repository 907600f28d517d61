"""How long ``calfkit validate`` takes on the worst files within the size limit (256 KiB).

docs/format.md promises that any file within the size limit loads in under half a second.
The slowest files are not the deep or the clever ones but the plain ones: as many tiny steps
as fit in the limit (about 26,000), valid or each with a mistake. This writes such
files to a temporary folder, runs ``calfkit validate FILE`` on each several times and prints
the median and the best wall time (start-up included, as a user sees it) and the median CPU
time (user + system). On a shared machine the best of several runs is the steadier figure:
a busy neighbour only ever adds time. Target: every shape's median under 0.5 s. The limit
was 1 MiB, where the floor below (libyaml's events alone) was itself about 0.5 s; it is
256 KiB since, and the last line names the worst shape at it.

It also prints the floor no reader built on PyYAML can go under: ``calfkit validate`` of a
one-step file (start-up alone), and, for each file, libyaml producing its events with
nothing done with them (``floor``). Where start-up plus that floor is near or over 0.5 s,
no amount of work in calfkit's own checks brings the file under it.

    python bench/load.py [--runs 5] [--only NAME] [--keep DIR]

A benchmark that prints figures, not a test: a busy machine makes it slower, not wrong.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from calfkit.format.spec import MAX_FILE_BYTES

LIMIT = MAX_FILE_BYTES  # the one limit calfkit reads files up to
TARGET = 0.5


def _fill(head: str, item: str, tail: str = "") -> str:
    """``head``, then as many ``item``s as fit in the size limit with ``tail``."""
    count = (LIMIT - len(head.encode()) - len(tail.encode())) // len(item.encode())
    return head + item * count + tail


def _unique_keys(size: int) -> list[str]:
    """Lines ``k0: 1``, ``k1: 1``, ... (all different keys) adding up to at most ``size`` bytes."""
    lines, total, number = [], 0, 0
    while True:
        line = f"k{number:x}: 1\n"
        if total + len(line) > size:
            return lines
        lines.append(line)
        total += len(line)
        number += 1


# name -> file text. Each is at most the size limit; what it stresses is in the name.
CASES: dict[str, str] = {
    # Valid steps (too many events for a routine, but every step must still be checked).
    "rest-block": _fill("title: Bench\nsteps:\n", "- rest: 1\n"),
    "rest-block-indented": _fill("title: Bench\nsteps:\n", "  - rest: 1\n"),
    "hold-block": _fill("title: Bench\nsteps:\n", "- hold: x\n  duration: 1\n"),
    "rest-flow": _fill("title: Bench\nsteps: [", "{rest: 1},", "{rest: 1}]\n"),
    "rest-flow-compact": _fill("title: Bench\nsteps: [", "{rest: 1}, ", "{rest: 1}]\n"),
    "do-long-text": _fill(
        "title: Bench\nsteps:\n",
        "  - do: Rise onto the balls of your feet, then lower your heels.\n    duration: 0.5\n",
    ),
    # A mistake in every step.
    "rest-zero": _fill("title: Bench\nsteps:\n", "- rest: 0\n"),
    "rest-text": _fill("title: Bench\nsteps:\n", "- rest: x\n"),
    "rest-flow-text": _fill("title: Bench\nsteps: [", "{rest: x},", "{rest: x}]\n"),
    "hold-no-duration": _fill("title: Bench\nsteps:\n", "- hold: x\n"),
    "misspelt-kind": _fill("title: Bench\nsteps:\n", "- hodl: 1\n"),
    "unknown-kind": _fill("title: Bench\nsteps:\n", "- zz: 1\n"),
    "unknown-key": _fill("title: Bench\nsteps:\n", "- rest: 1\n  zz: 1\n"),
    "two-kinds": _fill("title: Bench\nsteps:\n", "- {rest: 1, do: x}\n"),
    "scalar-steps": _fill("title: Bench\nsteps:\n", "- 1\n"),
    "empty-steps": _fill("title: Bench\nsteps:\n", "- {}\n"),
    "side-outside-sides": _fill("title: Bench\nsteps:\n", "- do: '{side}'\n  duration: 1\n"),
    "duplicate-keys": _fill("title: Bench\nsteps:\n", "- {rest: 1, rest: 1}\n"),
    "count-too-big": _fill("title: Bench\nsteps:\n", "- count: 9999\n"),
    "tags-bad": _fill("title: Bench\nsteps: [{rest: 1}]\ntags: [", "A, ", "a]\n"),
    # Short unknown top-level keys: a did-you-mean for each would take seconds (issue 12).
    "unknown-top-keys": "title: Bench\nsteps: [{rest: 1}]\n" + "".join(_unique_keys(LIMIT - 40)),
    "unknown-step-keys-flow": _fill("title: Bench\nsteps:\n", "- {rest: 1, zq: 1, zr: 1}\n"),
}


def calfkit_command() -> list[str]:
    script = Path(sys.executable).with_name("calfkit")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from calfkit.cli import main; main()"]


def wall(command: list[str]) -> float:
    return timed(command)[0]


# An installed package has its bytecode compiled; a checkout gets it on the first run,
# unless the environment forbids writing it (then every run would compile calfkit anew, and
# start-up alone would double: 0.21 s instead of 0.11 s here). As bench/startup.py does.
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``command``."""
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=_ENV
    )
    return time.perf_counter() - start, _children_cpu() - before


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: no rusage; the CPU column reads 0
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def events_floor(text: str) -> float:
    """Seconds libyaml (through PyYAML, as calfkit reads) takes to give every event of
    ``text`` with nothing done with them: the least any reader on PyYAML can take."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    best = math.inf
    for _ in range(3):
        parser = loader(text)
        start = time.perf_counter()
        while not isinstance(parser.get_event(), yaml.StreamEndEvent):
            pass
        best = min(best, time.perf_counter() - start)
        parser.dispose()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per file (default 5)")
    parser.add_argument("--only", action="append", help="only this case (repeatable)")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    names = args.only or list(CASES)
    command = calfkit_command()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        wall([*command, "--help"])  # warm the disk cache for the interpreter and modules
        tiny = folder / "one-step.yaml"
        tiny.write_text("title: Bench\nsteps:\n- rest: 1\n", encoding="utf-8")
        startup = statistics.median(
            wall([*command, "validate", str(tiny)]) for _ in range(args.runs)
        )
        print(f"start-up (validate of a one-step file): {startup:.3f} s")
        worst = worst_best = 0.0
        worst_name = ""
        heading = f"{'file':<22} {'bytes':>8}  {'median':>6} {'best':>6} {'cpu':>6} {'floor':>6}"
        print(f"{heading}  (s, of {args.runs} runs)")
        for name in names:
            path = folder / f"{name}.yaml"
            path.write_text(CASES[name], encoding="utf-8")
            size = path.stat().st_size
            assert size <= LIMIT, (name, size)
            runs = [timed([*command, "validate", str(path)]) for _ in range(args.runs)]
            median = statistics.median(run[0] for run in runs)
            best = min(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            floor = startup + events_floor(CASES[name])
            if median > worst:
                worst, worst_name = median, name
            worst_best = max(worst_best, best)
            flag = f"  OVER {TARGET} s" if median >= TARGET else ""
            print(f"{name:<22} {size:>8}  {median:6.3f} {best:6.3f} {cpu:6.3f} {floor:6.3f}{flag}")
        print(
            f"worst shape at the {LIMIT // 1024} KiB limit: {worst_name}, median {worst:.3f} s; "
            f"worst best: {worst_best:.3f} s (target: every median under {TARGET} s)"
        )
        print("best: the fastest run (a busy machine only ever adds time); cpu: user + system")
        print("floor: start-up plus libyaml's events alone, before calfkit does anything")


if __name__ == "__main__":
    main()
