"""End-to-end tests in a real pseudo-terminal: POSIX only (pexpect and termios)."""

import sys
from pathlib import Path

# The folder above ``tests`` on the path, so the helpers here can import ``tests.blocks``
# however pytest was started (this folder is not a package, so pytest does not add it).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

if sys.platform == "win32":
    collect_ignore_glob = ["*.py"]
else:
    from collections.abc import Iterator

    import pytest
    from pty_session import Player

    @pytest.fixture
    def player(tmp_path: Path) -> Iterator[Player]:
        """Starts calfkit in pseudo-terminals; any session still running at the end is ended."""
        made = Player(tmp_path)
        yield made
        for session in made.sessions:
            if session.child.isalive():
                session.child.terminate(force=True)
