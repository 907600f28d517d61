"""Every test runs with its own empty config, cache and data folders.

Nothing a test plays or lists may read or write the real user's routines, summary cache or
practice log (a log left by a newer calfkit would change what `list` prints). A test that needs
these folders elsewhere sets the variables again itself.

Every test speaks with the system's voice (espeak-ng), whose lengths and timing the sound tests
are written for, even where the [piper] extra is installed: CALFKIT_VOICE_MODEL is ``system``.
The Piper tests (tests/sound/test_piper.py) name their model themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path_factory.mktemp("user")
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(user / name.lower()))
    monkeypatch.setenv("CALFKIT_HISTORY", str(Path(user) / "history.sqlite3"))
    monkeypatch.delenv("CALFKIT_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CALFKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    monkeypatch.setenv("CALFKIT_VOICE_MODEL", "system")
