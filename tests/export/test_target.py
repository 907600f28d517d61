"""calfkit.export.target: a file written whole or not at all, and a failure named by the file
the user asked for (never the hidden temporary beside it), on a real full disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from tests.fulldisk import fill, tiny_disk


@pytest.mark.parametrize(
    "command",
    [
        ["plan", "export", "four-calm-weeks"],
        ["export", "calf-release"],
    ],
)
def test_a_full_disk_is_a_one_line_error_naming_the_target_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-07")
    with tiny_disk(tmp_path / "disk", "16k") as disk:
        fill(disk, leave=2048)
        suffix = ".ics" if command[0] == "plan" else ".wav"
        target = disk / f"out{suffix}"
        result = CliRunner().invoke(cli, [*command, str(target)])
        assert result.exit_code == 1, result.output + result.stderr
        assert result.stderr == f"calfkit: error: cannot write {target}: No space left on device\n"
        assert sorted(p.name for p in disk.iterdir()) == [".filler"]


def test_an_interrupt_the_moment_the_temporary_file_appears_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A signal raised (Ctrl-C, or SIGTERM through terminate_raises) just after the temporary
    # file is made, before the code that removes it knew its name: CI's export SIGTERM test
    # once left ".ev.jsonl.*.part" behind that way.
    from calfkit.export import target

    real_close = target.os.close

    def close_then_interrupt(fd: int) -> None:
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(target.os, "close", close_then_interrupt)
    with pytest.raises(KeyboardInterrupt), target.replacing(str(tmp_path / "out.mp3")):
        pytest.fail("never reached")  # pragma: no cover
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_name_taken_by_another_file_is_passed_over_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfkit.export import target

    names = iter(["taken000", "free0000"])
    monkeypatch.setattr(target.secrets, "token_hex", lambda _: next(names))
    theirs = tmp_path / ".out.mp3.taken000.part"
    theirs.write_bytes(b"not ours")
    with target.replacing(str(tmp_path / "out.mp3")) as temporary:
        assert temporary == str(tmp_path / ".out.mp3.free0000.part")
        Path(temporary).write_bytes(b"ours")
    assert (tmp_path / "out.mp3").read_bytes() == b"ours"
    assert theirs.read_bytes() == b"not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.mp3.taken000.part", "out.mp3"]


def test_a_failed_write_removes_the_temporary_and_keeps_the_old_file(tmp_path: Path) -> None:
    from calfkit.errors import ExportError
    from calfkit.export import target

    old = tmp_path / "out.mp3"
    old.write_bytes(b"last week's")
    with pytest.raises(ExportError, match=r"out\.mp3"), target.replacing(str(old)) as temporary:
        Path(temporary).write_bytes(b"half")
        raise OSError(28, "No space left on device")
    assert old.read_bytes() == b"last week's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp3"]
