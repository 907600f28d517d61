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
