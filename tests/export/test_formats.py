"""The export formats and what each needs: .mp3 and .fit need the ``export`` extra's libraries,
.wav needs nothing more. Without them calfkit says what to install, in one line, and writes
nothing; the rest of calfkit works as before.

The "without" runs are a real calfkit in a child process whose import system cannot find the
export's libraries (an import hook ahead of every other finder raises ModuleNotFoundError for
them, as a Python without them installed does); CI also installs the built wheel with no
extras and exports from it (.ci/run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from calfkit import install_hint
from calfkit.errors import ExportError
from calfkit.export.formats import FORMATS, format_for

MINIMAL = Path(__file__).resolve().parents[1] / "routines" / "good" / "minimal.yaml"
EXPORT_LIBRARIES = ("lameenc", "mutagen", "garmin_fit_sdk")

# Runs calfkit's command line with the named top-level modules (argv[1], comma-separated)
# impossible to import, then the rest of argv as calfkit's arguments.
WITHOUT = """
import importlib.abc, sys
hidden = set(sys.argv[1].split(","))
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Absent())
from calfkit.cli import main
sys.argv = ["calfkit", *sys.argv[2:]]
sys.exit(main())
"""


def calfkit_without(
    hidden: tuple[str, ...], *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, ",".join(hidden), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def missing(extension: str, libraries: str) -> str:
    return (
        f"calfkit: error: exporting {extension} needs {libraries}, which calfkit's export "
        f"extra installs: {install_hint('export')}\n"
    )


@pytest.mark.parametrize(
    ("name", "libraries"),
    [("song.mp3", "lameenc and mutagen"), ("watch.fit", "garmin_fit_sdk")],
)
def test_mp3_and_fit_without_the_export_extra_say_what_to_install_and_write_nothing(
    tmp_path: Path, name: str, libraries: str
) -> None:
    done = calfkit_without(EXPORT_LIBRARIES, "export", str(MINIMAL), name, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        missing(Path(name).suffix, libraries),
    )
    assert list(tmp_path.iterdir()) == []


def test_only_the_missing_library_is_named(tmp_path: Path) -> None:
    done = calfkit_without(("mutagen",), "export", str(MINIMAL), "song.mp3", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, missing(".mp3", "mutagen"))


def test_wav_export_and_the_other_commands_work_without_the_export_extra(
    tmp_path: Path,
) -> None:
    done = calfkit_without(EXPORT_LIBRARIES, "export", str(MINIMAL), "track.wav", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote track.wav (sound track, 00:05, ")
    assert (tmp_path / "track.wav").stat().st_size > 0
    for args in (["--version"], ["list"], ["show", str(MINIMAL)], ["validate", str(MINIMAL)]):
        done = calfkit_without(EXPORT_LIBRARIES, *args, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, ""), args


def test_the_extra_libraries_are_what_mp3_and_fit_need_and_wav_needs_none() -> None:
    assert {name: fmt.needs for name, fmt in FORMATS.items()} == {
        "wav": (),
        "mp3": ("lameenc", "mutagen"),
        "fit": ("garmin_fit_sdk",),
    }


def test_a_library_that_fails_to_load_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes its import raise ImportError, as a broken build does.
    monkeypatch.setitem(sys.modules, "lameenc", None)
    with pytest.raises(ExportError) as caught:
        FORMATS["mp3"].writer()
    assert str(caught.value) == missing(".mp3", "lameenc").removeprefix("calfkit: error: ")[:-1]


def test_with_the_libraries_installed_the_writer_is_its_module() -> None:
    assert FORMATS["mp3"].writer().SOUND is True
    assert FORMATS["fit"].writer().SOUND is False


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a.mp3", "mp3"), ("A.FIT", "fit"), ("x.wav", "wav"), ("x.ogg", None), ("dir.mp3/x", None)],
)
def test_format_follows_the_extension(path: str, expected: str | None) -> None:
    fmt = format_for(path)
    assert (fmt.name if fmt is not None else None) == expected
