"""Where ``export FILE`` and ``--log-events FILE`` may write (``calfkit.cli.outputs``): never
over calfkit's own files, with or without ``--force``; never through a symbolic link or onto a
device, a FIFO or a socket; and each refusal says why, exits 1 and changes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from calfkit.cli import cli
from calfkit.library.lookup import builtin_routines_dir

ROUTINE = "title: Quick\nsteps:\n  - do: Go.\n    duration: 1s\n"
FAST = ("--speed", "100", "--sound", "off", "--lead-in", "0", "--plain")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "data" / "history.sqlite3"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quick.yaml").write_text(ROUTINE)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def refused(result: Result, message: str) -> None:
    assert (result.exit_code, result.output) == (1, f"calfkit: error: {message}\n")


def sessions(history: Path) -> int:
    with closing(sqlite3.connect(history)) as db, db:
        count: int = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    return count


# -- calfkit's own files ------------------------------------------------------------------


def test_the_history_is_never_an_event_log_even_with_force(home: Path) -> None:
    history = home / "data" / "history.sqlite3"
    for _ in range(3):
        assert run("play", "quick.yaml", *FAST).exit_code == 0
    assert sessions(history) == 3
    for target in (history, Path(f"{history}-wal"), Path(f"{history}-journal")):
        for force in ((), ("--force",)):
            result = run("play", "quick.yaml", *FAST, "--log-events", str(target), *force)
            why = "it is calfkit's practice history"
            if target != history:
                why += f" ({target.name.rsplit('-', 1)[1]} file)"
            refused(result, f"will not write --log-events {target}: {why} (not even with --force)")
    refused(
        run("export", "quick.yaml", str(history), "--format", "fit", "--force"),
        f"will not write {history}: it is calfkit's practice history (not even with --force)",
    )
    assert sessions(history) == 3


def test_calfkits_folders_and_routines_are_never_written_even_with_force(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = home / "shared"
    shared.mkdir()
    (shared / "team.yaml").write_text(ROUTINE)
    monkeypatch.setenv("CALFKIT_PATH", str(shared))
    assert run("list").exit_code == 0  # the cache is made
    cache = home / "cache" / "summaries.json"
    assert cache.exists()
    routines = home / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "mine.yaml").write_text(ROUTINE)
    builtin = builtin_routines_dir() / "calf-release.yaml"
    cases = {
        cache: "it is in calfkit's cache folder",
        routines / "mine.yaml": "it is in calfkit's config folder (your routines and plans)",
        routines / "new.fit": "it is in calfkit's config folder (your routines and plans)",
        builtin: "it is in calfkit's built-in routines",
        shared / "team.yaml": f"it would be a routine in CALFKIT_PATH's folder {shared}",
        shared / "log.yaml": f"it would be a routine in CALFKIT_PATH's folder {shared}",
    }
    before = {path: path.read_bytes() for path in cases if path.exists()}
    for path, why in cases.items():
        message = f"will not write {path}: {why} (not even with --force)"
        refused(run("export", "quick.yaml", str(path), "--format", "fit", "--force"), message)
        refused(
            run("play", "quick.yaml", *FAST, "--log-events", str(path), "--force"),
            message.replace(f"write {path}", f"write --log-events {path}"),
        )
    assert {path: path.read_bytes() for path in cases if path.exists()} == before
    assert not (routines / "new.fit").exists() and not (shared / "log.yaml").exists()
    # Beside them, anything of the user's own is written as usual.
    assert run("export", "quick.yaml", str(shared / "quick.fit")).exit_code == 0
    assert run("play", "quick.yaml", *FAST, "--log-events", "log.jsonl").exit_code == 0


# -- links, devices, FIFOs ----------------------------------------------------------------


def test_a_symbolic_link_is_refused_and_neither_it_nor_its_target_changes(home: Path) -> None:
    target = home / "kept.fit"
    target.write_bytes(b"mine")
    link = home / "link.fit"
    link.symlink_to(target)
    dangling = home / "dangling.jsonl"
    dangling.symlink_to(home / "nowhere.jsonl")
    refused(
        run("export", "quick.yaml", str(link), "--force"),
        f"cannot write {link}: it is a symbolic link (to {target}); name the file itself",
    )
    refused(
        run("play", "quick.yaml", *FAST, "--log-events", str(link), "--force"),
        f"cannot write --log-events {link}: it is a symbolic link (to {target}); "
        "name the file itself",
    )
    refused(
        run("play", "quick.yaml", *FAST, "--log-events", str(dangling)),
        f"cannot write --log-events {dangling}: it is a symbolic link "
        f"(to {home / 'nowhere.jsonl'}); name the file itself",
    )
    assert link.is_symlink() and dangling.is_symlink()
    assert target.read_bytes() == b"mine"
    assert not (home / "nowhere.jsonl").exists()
    # Named as itself, the file is written as any other.
    assert run("export", "quick.yaml", str(target), "--force").exit_code == 0
    assert target.read_bytes()[:1] == b"\x0e"  # a FIT header now


@pytest.mark.skipif(sys.platform == "win32", reason="no /dev/stdout")
def test_export_to_dev_stdout_is_refused_with_or_without_force(home: Path) -> None:
    # /dev/stdout is a link (to /proc/self/fd/1): replacing it put a regular file in /dev.
    for force in ((), ("--force",)):
        with open(home / "out.txt", "w") as out:
            args = ["export", "quick.yaml", "/dev/stdout", "--format", "fit", *force]
            done = subprocess.run(
                [sys.executable, "-m", "calfkit", *args],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
                cwd=home,
            )
        assert done.returncode == 1
        assert done.stderr.startswith("calfkit: error: cannot write /dev/stdout: it is a")
    assert os.path.islink("/dev/stdout") or not os.path.isfile("/dev/stdout")


def test_a_device_is_refused_as_an_event_log_and_as_a_file(home: Path) -> None:
    not_regular = "it is not a regular file (a device, a FIFO or a socket)"
    refused(
        run("play", "quick.yaml", *FAST, "--log-events", os.devnull, "--force"),
        f"cannot write --log-events {os.devnull}: {not_regular}",
    )
    refused(
        run("export", "quick.yaml", os.devnull, "--format", "fit", "--force"),
        f"cannot write {os.devnull}: {not_regular}",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("command", ["play", "export"])
def test_a_fifo_with_no_reader_is_refused_at_once_not_waited_on(home: Path, command: str) -> None:
    fifo = home / "events.fifo"
    os.mkfifo(fifo)
    args = [*FAST] if command == "play" else ["out.fit"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "calfkit",
            command,
            "quick.yaml",
            *args,
            "--log-events",
            "events.fifo",
        ],
        capture_output=True,
        text=True,
        timeout=60,  # it used to wait for a reader for ever, before anything was shown
        cwd=home,
        env={**os.environ, "CALFKIT_HISTORY": str(home / "h.sqlite3")},
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stderr == (
        "calfkit: error: cannot write --log-events events.fifo: it is not a regular file "
        "(a device, a FIFO or a socket)\n"
    )
    assert not (home / "out.fit").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_the_log_is_checked_as_it_is_opened_so_a_fifo_put_there_later_never_blocks(
    tmp_path: Path,
) -> None:
    from calfkit.sinks.eventlog import open_log

    fifo = tmp_path / "late.fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        open_log(fifo)
    link = tmp_path / "link.jsonl"
    link.symlink_to(tmp_path / "real.jsonl")
    with pytest.raises(OSError):
        open_log(link)
    assert not (tmp_path / "real.jsonl").exists()
    log = tmp_path / "log.jsonl"
    log.write_text("old, longer text\n")
    with open_log(log) as file:
        file.write(b"new\n")
    assert log.read_text() == "new\n"


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["play", "quick.yaml", *FAST, "--no-history", "--log-events"], "--log-events "),
        (["export", "quick.yaml", "--log-events"], "--log-events "),
        (["export", "quick.yaml"], ""),
    ],
)
def test_a_file_in_a_folder_that_is_not_there_is_a_one_line_error_before_anything_plays(
    home: Path, command: list[str], option: str
) -> None:
    # It was a usage error (exit 2, with click's usage lines) for --log-events, after the
    # sound back end had been looked for; every other file calfkit cannot write is exit 1.
    args = [*command, "nope/out.wav"]
    if command[0] == "export" and option:
        args.append("track.wav")
    folder = home / "nope"
    refused(run(*args), f"cannot write {option}nope/out.wav: there is no folder {folder}")
    (home / "nope").write_text("a file, not a folder")
    refused(run(*args), f"cannot write {option}nope/out.wav: {folder} is not a folder")
    assert sorted(p.name for p in home.iterdir()) == ["nope", "quick.yaml"]  # nothing written
