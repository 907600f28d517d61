"""Plans by name: your plans folder (``plans/`` in calfkit's config folder), then the
built-in plans; anything that is not a name is a path to a plan file."""

from __future__ import annotations

import os
from pathlib import Path

from calfkit.errors import RoutineNotFound
from calfkit.library.lookup import PACKAGE_DIR, SUFFIXES, in_folder, is_name, user_config_dir


def user_plans_dir() -> Path:
    return user_config_dir() / "plans"


def builtin_plans_dir() -> Path:
    """The built-in plans: package data in a wheel, the top-level folder in a checkout."""
    packaged = PACKAGE_DIR / "plans"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent / "plans"


def folders() -> tuple[Path, ...]:
    return (user_plans_dir(), builtin_plans_dir())


def find(ref: str) -> Path:
    """The file a plan reference means; raises RoutineNotFound (exit 1) saying where it looked."""
    if is_name(ref):
        for folder in folders():
            found = in_folder(folder, ref)
            if found is not None:
                return found
        known = ", ".join(names()) or "none"
        raise RoutineNotFound(
            f"no plan named {ref!r} (looked in {user_plans_dir()} and the built-in plans: {known})"
        )
    path = Path(ref).expanduser()
    if not path.is_file():
        why = "is a folder, not a plan file" if path.is_dir() else "no such file"
        raise RoutineNotFound(f"{ref}: {why}")
    return path


def names() -> list[str]:
    """Every plan name found, user plans first, each once."""
    found: dict[str, None] = {}
    for folder in folders():
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in entries:
            stem, dot, suffix = entry.rpartition(".")
            if dot and "." + suffix in SUFFIXES and is_name(stem):
                found[stem] = None
    return list(found)
