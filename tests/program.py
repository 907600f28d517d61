"""The real program in a subprocess, for tests that read what it wrote as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def calfkit(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real program, with its own config folder unless ``env`` names another."""
    full = dict(os.environ)
    full.update(CALFKIT_CONFIG_DIR=str(tmp_path / "config"), COLUMNS="120")
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "calfkit", *args],
        env=full,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=tmp_path,
    )
