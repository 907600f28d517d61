"""End-to-end tests in a real pseudo-terminal: POSIX only (pexpect and termios)."""

import sys

if sys.platform == "win32":
    collect_ignore_glob = ["*.py"]
