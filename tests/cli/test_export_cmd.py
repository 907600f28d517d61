"""``calfkit export`` and ``play --log-events``: what they refuse to write, and the command's
shape (FILE's extension, --format, the --wav alias). Every refusal is a clear message, exit 1,
and nothing changed on disk."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.export.target import replacing
from tests.program import calfkit

AUDIO = Path(__file__).parent.parent / "audio" / "routines"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and mtime: what "nothing changed" compares."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def routines(tmp_path: Path) -> Path:
    """A routine that includes another, in a folder of their own."""
    folder = tmp_path / "routines"
    (folder / "parts").mkdir(parents=True)
    (folder / "parts" / "warm.yaml").write_text(
        "title: Warm up\nsteps:\n  - do: Circle the ankle.\n    duration: 2s\n"
    )
    (folder / "main.yaml").write_text(
        "title: Main\nsteps:\n  - routine: parts/warm.yaml\n  - do: Roll.\n    duration: 2s\n"
    )
    return folder


def refused(result: Any, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output == f"calfkit: error: {message}\n"


def test_an_existing_file_is_refused_without_force_and_replaced_with_it(
    routines: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.mp3"
    out.write_bytes(b"precious")
    before = snapshot(tmp_path)
    refused(
        run("export", str(routines / "main.yaml"), str(out)),
        f"{out} already exists; add --force to write over it",
    )
    assert snapshot(tmp_path) == before
    result = run("export", str(routines / "main.yaml"), str(out), "--force")
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:3] == b"ID3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp3", "routines"]  # no leftovers


@pytest.mark.parametrize("fmt", ["wav", "mp3", "fit"])
def test_the_routine_itself_is_never_written_even_with_force(routines: Path, fmt: str) -> None:
    before = snapshot(routines)
    main = routines / "main.yaml"
    refused(
        run("export", str(main), str(main), "--format", fmt, "--force"),
        f"will not write over {main}: it is the routine being read (not even with --force)",
    )
    # Nor through the old --wav option, nor under another name for the same file.
    link = routines / "link.yaml"
    link.symlink_to(main)
    refused(
        run("export", str(main), "--wav", str(link), "--force"),
        f"will not write over {link}: it is the routine being read (not even with --force)",
    )
    link.unlink()
    assert snapshot(routines) == before


def test_a_file_the_routine_includes_is_never_written(routines: Path) -> None:
    before = snapshot(routines)
    part = routines / "parts" / "warm.yaml"
    refused(
        run("export", str(routines / "main.yaml"), str(part), "--format", "fit", "--force"),
        f"will not write over {part}: main.yaml includes it (not even with --force)",
    )
    hard = routines / "hard.wav"
    os.link(part, hard)  # the same file under a name that looks like an export's
    refused(
        run("export", str(routines / "main.yaml"), str(hard), "--force"),
        f"will not write over {hard}: main.yaml includes it (not even with --force)",
    )
    hard.unlink()
    assert snapshot(routines) == before


def test_an_unwritable_folder_is_refused_before_rendering_and_nothing_is_left(
    routines: Path, tmp_path: Path
) -> None:
    before = snapshot(tmp_path)
    missing = tmp_path / "no-such-folder" / "x.mp3"
    refused(
        run("export", str(routines / "main.yaml"), str(missing)),
        f"cannot write {missing}: there is no folder {missing.parent}",
    )
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    before = snapshot(tmp_path)
    inside = blocker / "x.fit"
    refused(
        run("export", str(routines / "main.yaml"), str(inside)),
        f"cannot write {inside}: {blocker} is not a folder",
    )
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_read_only_folder_is_refused(routines: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # Root writes through any mode bits; sysfs refuses new files even to root.
        folder = Path("/sys")
        assert os.path.isdir(folder)
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
    before = sorted(os.listdir(folder))
    try:
        refused(
            run("export", str(routines / "main.yaml"), str(folder / "x.wav")),
            f"cannot write {folder / 'x.wav'}: Permission denied",
        )
        assert sorted(os.listdir(folder)) == before
    finally:
        if folder != Path("/sys"):
            folder.chmod(0o700)


def test_a_device_is_never_replaced(routines: Path) -> None:
    refused(
        run("export", str(routines / "main.yaml"), os.devnull, "--format", "wav", "--force"),
        f"cannot write {os.devnull}: it is not a regular file (a device, a FIFO or a socket)",
    )
    assert not Path(os.devnull).is_file()


def test_a_failed_write_leaves_nothing_behind_and_the_old_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "kept.wav"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(str(target)) as temporary:
        Path(temporary).write_bytes(b"half a file")
        raise RuntimeError("the render failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.wav"]
    with replacing(str(target)) as temporary:
        Path(temporary).write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.wav"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_event_log_is_refused_like_the_file(routines: Path, tmp_path: Path) -> None:
    main = str(routines / "main.yaml")
    out, log = tmp_path / "out.fit", tmp_path / "log.jsonl"
    log.write_text("yesterday's log\n")
    before = snapshot(tmp_path)
    refused(
        run("export", main, str(out), "--log-events", str(log)),
        f"--log-events {log} already exists; add --force to write over it",
    )
    refused(
        run("export", main, str(out), "--log-events", main, "--force"),
        f"will not write over --log-events {main}: it is the routine being read "
        "(not even with --force)",
    )
    out.write_bytes(b"")
    before = snapshot(tmp_path)
    refused(
        run("export", main, str(out), "--log-events", str(out), "--force"),
        f"will not write over --log-events {out}: it is the export's FILE (not even with --force)",
    )
    assert snapshot(tmp_path) == before
    result = run("export", main, str(out), "--log-events", str(log), "--force")
    assert result.exit_code == 0, result.output
    assert log.read_text().startswith('{"event": "start"')


def test_play_log_events_refuses_an_existing_file_without_force_and_the_routine_ever(
    routines: Path, tmp_path: Path
) -> None:
    main = str(routines / "main.yaml")
    log = tmp_path / "log.jsonl"
    log.write_text("keep me\n")
    fast = ("--speed", "50", "--sound", "off", "--lead-in", "0", "--no-history", "--plain")
    refused(
        run("play", main, *fast, "--log-events", str(log)),
        f"--log-events {log} already exists; add --force to write over it",
    )
    assert log.read_text() == "keep me\n"
    part = str(routines / "parts" / "warm.yaml")
    before = snapshot(routines)
    refused(
        run("play", main, *fast, "--log-events", part, "--force"),
        f"will not write over --log-events {part}: main.yaml includes it (not even with --force)",
    )
    assert snapshot(routines) == before
    result = run("play", main, *fast, "--log-events", str(log), "--force")
    assert result.exit_code == 0, result.output
    assert log.read_text().startswith('{"event": "start"')


def test_the_format_follows_the_extension_and_format_overrides_it(
    routines: Path, tmp_path: Path
) -> None:
    main = str(routines / "main.yaml")
    for name, magic in (("a.wav", b"RIFF"), ("a.MP3", b"ID3"), ("a.fit", None)):
        result = run("export", main, str(tmp_path / name))
        assert result.exit_code == 0, result.output
        if magic is not None:
            assert (tmp_path / name).read_bytes().startswith(magic)
        else:
            assert (tmp_path / name).read_bytes()[8:12] == b".FIT"
    result = run("export", main, str(tmp_path / "track.audio"), "--format", "mp3")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "track.audio").read_bytes().startswith(b"ID3")
    result = run("export", main, str(tmp_path / "old.wav.bak"), "--format", "wav")
    assert result.exit_code == 0 and (tmp_path / "old.wav.bak").read_bytes()[:4] == b"RIFF"
    result = run("export", main, "--wav", str(tmp_path / "alias.bin"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "alias.bin").read_bytes()[:4] == b"RIFF"


def test_usage_errors_exit_2_and_write_nothing(routines: Path, tmp_path: Path) -> None:
    main = str(routines / "main.yaml")
    before = snapshot(tmp_path)
    result = run("export", main, str(tmp_path / "out.ogg"))
    assert result.exit_code == 2
    assert "end it in .wav, .mp3 or .fit, or give --format" in result.output
    result = run("export", main, str(tmp_path / "a.wav"), "--wav", str(tmp_path / "b.wav"))
    assert result.exit_code == 2 and "give FILE or --wav FILE, not both" in result.output
    result = run("export", main)
    assert result.exit_code == 2 and "Missing argument 'FILE'" in result.output
    result = run("export", main, str(tmp_path / "a.mp3"), "--voice-rate", "20")
    assert result.exit_code == 2
    assert snapshot(tmp_path) == before


def test_voice_options_on_a_workout_are_noted_not_silently_dropped(
    routines: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["export", str(routines / "main.yaml"), str(tmp_path / "w.fit"), "--voice"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("note: a .fit workout holds no sound")
    assert result.stdout.startswith(f"Wrote {tmp_path / 'w.fit'} (workout, 00:04, ")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_export_voice_with_a_cue_over_128_kib_and_one_that_starts_with_a_dash(
    tmp_path: Path,
) -> None:
    # Before, the text went to espeak-ng as an argument: a cue over 128 KiB failed with
    # "Argument list too long", and "--version" was read as an option.
    routine = tmp_path / "long.yaml"
    long_cue = "Roll slowly." + " " * (130 * 1024) + "Then rest."
    routine.write_text(
        "title: Long cue\nsteps:\n"
        f'  - do: "{long_cue}"\n    duration: 4s\n'
        '  - do: "--version"\n    duration: 3s\n'
    )
    assert len(long_cue.encode()) > 128 * 1024
    out = tmp_path / "long.wav"
    result = run("export", str(routine), str(out), "--voice", "--lead-in", "0")
    assert result.exit_code == 0, result.output
    assert "5 spoken phrases" in result.output  # both cues, two previews, the closing phrase
    assert "Traceback" not in result.output


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_voice_rate_reaches_espeak_ng(tmp_path: Path) -> None:
    def spoken(rate: str) -> float:
        log = tmp_path / f"{rate}.jsonl"
        result = run(
            "export",
            str(AUDIO / "short-voice.yaml"),
            str(tmp_path / f"{rate}.wav"),
            "--voice",
            "--voice-rate",
            rate,
            "--log-events",
            str(log),
        )
        assert result.exit_code == 0, result.output
        lines = [line for line in log.read_text().splitlines() if '"speak"' in line]
        end = [json.loads(line) for line in lines][-1]
        assert end["text"] == "That is the end of the routine. Well done."
        return float(end["seconds"])

    assert spoken("320") < 0.7 * spoken("120")


def test_export_voice_without_a_speech_engine_says_what_to_install_and_writes_beeps(
    routines: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No espeak-ng (nor say, nor PowerShell) on PATH: the real lookup finds no engine.
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "out.wav"
    result = CliRunner().invoke(
        cli, ["export", str(routines / "main.yaml"), str(target), "--voice", "--lead-in", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "install espeak-ng" in result.stderr
    assert "; the file has beeps only" in result.stderr
    # Beeps only: the very file an export without --voice writes.
    plain = tmp_path / "plain.wav"
    result = CliRunner().invoke(
        cli, ["export", str(routines / "main.yaml"), str(plain), "--lead-in", "0"]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == plain.read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGQUIT", 131)])
def test_an_export_ended_by_a_signal_leaves_no_part_file_and_the_old_file_whole(
    tmp_path: Path, signame: str, code: int
) -> None:
    target = tmp_path / "care.mp3"
    target.write_bytes(b"the track from last week")
    full = dict(os.environ, CALFKIT_CONFIG_DIR=str(tmp_path / "config"))
    args = ["calf-care", str(target), "--force", "--log-events", str(tmp_path / "ev.jsonl")]
    process = subprocess.Popen(
        [sys.executable, "-m", "calfkit", "export", *args],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # a hang guard only
        # Both temporary files exist before rendering starts, which takes seconds for an MP3.
        while len(list(tmp_path.glob(".*.part"))) < 2 and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(getattr(signal, signame))
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == code, err
    assert b"Traceback" not in err
    assert list(tmp_path.glob(".*.part")) == []
    assert target.read_bytes() == b"the track from last week"
    assert not (tmp_path / "ev.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "written", "riff"),
    [
        (("--wav", "track.mp3"), "track.mp3", True),
        (("track.fit", "--format", "wav"), "track.fit", True),
        (("track.wav", "--format", "mp3"), "track.wav", False),
    ],
)
def test_an_export_whose_name_says_another_format_says_so(
    tmp_path: Path, args: tuple[str, ...], written: str, riff: bool
) -> None:
    done = calfkit(tmp_path, "export", "calf-release-walk", *args)
    assert done.returncode == 0, done.stderr
    extension = written.rsplit(".", 1)[1]
    kind = "WAV sound track" if riff else "MP3 sound track"
    assert done.stderr == (
        f"note: {written} is written as a {kind}, though its name ends .{extension}\n"
    )
    assert (tmp_path / written).read_bytes().startswith(b"RIFF") is riff


def test_an_export_refused_for_an_existing_file_says_no_note_that_it_is_written(
    tmp_path: Path,
) -> None:
    """The 'is written as a WAV' note came before the refusal of an existing FILE, so a
    refused export said it was writing."""
    (tmp_path / "track.mp3").write_bytes(b"last week's")
    done = calfkit(tmp_path, "export", "calf-release-walk", "track.mp3", "--format", "wav")
    assert done.returncode == 1
    assert done.stderr == (
        "calfkit: error: track.mp3 already exists; add --force to write over it\n"
    )
    assert (tmp_path / "track.mp3").read_bytes() == b"last week's"


def test_an_export_whose_name_matches_its_format_has_no_note(tmp_path: Path) -> None:
    for args in (("t.wav",), ("t.mp3", "--format", "mp3"), ("--wav", "w.wav"), ("t.FIT",)):
        done = calfkit(tmp_path, "export", "calf-release-walk", *args)
        assert done.returncode == 0
        assert done.stderr == "", args


def test_every_export_format_is_a_format_choice_and_named_in_the_help() -> None:
    from calfkit.cli.export_cmd import FORMAT_HELP, command
    from calfkit.export.formats import FORMATS

    option = next(p for p in command.params if p.name == "format_name")
    assert list(option.type.choices) == list(FORMATS)  # type: ignore[attr-defined]
    for name in FORMATS:
        assert re.search(rf"\b{name}\b", FORMAT_HELP), name


ROUTINES = Path(__file__).parent.parent / "audio" / "routines"


SOUND_CHECK = ROUTINES / "sound-check.yaml"


def export(*args: str) -> object:
    return CliRunner().invoke(cli, ["export", *args])


def test_a_bad_routine_is_reported_with_its_position_and_exit_1(tmp_path: Path) -> None:
    routine = tmp_path / "bad.yaml"
    routine.write_text("title: Bad\nsteps:\n  - hold: Hold.\n")
    result = export(str(routine), "--wav", str(tmp_path / "x.wav"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.output.startswith(f"{routine}:3:")  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "x.wav").exists()


def test_an_unwritable_path_is_a_clear_error_and_exit_1(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "x.wav"
    result = export(str(SOUND_CHECK), "--wav", str(target))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.output == (  # type: ignore[attr-defined]
        f"calfkit: error: cannot write {target}: there is no folder {target.parent}\n"
    )
