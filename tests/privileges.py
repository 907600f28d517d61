"""Running a command as file modes say, even as root (CI runs the suite as root)."""

from __future__ import annotations

import os


def without_root_powers(command: list[str]) -> list[str]:
    """``command`` run as file modes say: root reads and writes through them unless it drops
    these capabilities (util-linux's setpriv)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return command
    caps = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
