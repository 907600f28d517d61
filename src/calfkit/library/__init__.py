"""The routine library: a name turned into a file (:mod:`~calfkit.library.lookup`), and every
routine that can be found, summarised (:mod:`~calfkit.library.listing`).

``from calfkit import library; library.find("calf-release")`` is the way in. Nothing heavy is
imported here: loading a routine imports the format code only when it happens.
"""

from __future__ import annotations

from calfkit.library.listing import (
    CACHE_DIR_ENV,
    Found,
    Shadowed,
    Summary,
    available,
    cache_dir,
)
from calfkit.library.lookup import (
    CONFIG_DIR_ENV,
    MAX_NAME_LENGTH,
    SEARCH_PATH_ENV,
    SUFFIXES,
    Place,
    Source,
    builtin_routines_dir,
    check,
    check_safely,
    examine_safely,
    find,
    in_folder,
    include_by_name,
    is_name,
    load,
    load_ref,
    meant_a_name,
    names,
    search_path,
    user_config_dir,
    user_routines_dir,
)

__all__ = [
    "CACHE_DIR_ENV",
    "CONFIG_DIR_ENV",
    "MAX_NAME_LENGTH",
    "SEARCH_PATH_ENV",
    "SUFFIXES",
    "Found",
    "Place",
    "Shadowed",
    "Source",
    "Summary",
    "available",
    "builtin_routines_dir",
    "cache_dir",
    "check",
    "check_safely",
    "examine_safely",
    "find",
    "in_folder",
    "include_by_name",
    "is_name",
    "load",
    "load_ref",
    "meant_a_name",
    "names",
    "search_path",
    "user_config_dir",
    "user_routines_dir",
]
