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
