"""ALSA through ctypes: keep its own error lines off the terminal, and check a device opens.

libasound prints to stderr whenever a device is missing ("ALSA lib confmisc.c: ... cannot
find card"). Installing a no-op error handler in the process's one copy of the library
silences it for simpleaudio and miniaudio alike. Everything is a no-op where there is no ALSA.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

_ErrorHandler = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)


def _ignore(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    """Swallow one ALSA error message (the real handler is variadic; the extras are ignored)."""


# Kept at module level for the life of the process: ALSA holds a raw pointer to it.
_HANDLER: Any = _ErrorHandler(_ignore)
_library: ctypes.CDLL | None = None
_loaded = False

_PCM_STREAM_PLAYBACK = 0
_PCM_NONBLOCK = 1


def library() -> ctypes.CDLL | None:
    """libasound.so.2, or None where it is not there (not Linux, or not installed)."""
    global _library, _loaded
    if not _loaded:
        _loaded = True
        if os.name == "posix" and sys.platform != "darwin":
            try:
                _library = ctypes.CDLL("libasound.so.2")
            except OSError:
                _library = None
    return _library


def silence_errors() -> bool:
    """Route ALSA's error messages to a handler that drops them; True if ALSA is here."""
    lib = library()
    if lib is None:
        return False
    lib.snd_lib_error_set_handler(_HANDLER)
    return True


def default_device_problem() -> str | None:
    """Why ALSA's default playback device cannot be opened, or None when it opens."""
    lib = library()
    if lib is None:
        return "ALSA (libasound.so.2) is not available"
    silence_errors()
    handle = ctypes.c_void_p()
    lib.snd_strerror.restype = ctypes.c_char_p
    err = lib.snd_pcm_open(ctypes.byref(handle), b"default", _PCM_STREAM_PLAYBACK, _PCM_NONBLOCK)
    if err < 0:
        message: bytes = lib.snd_strerror(err)
        return f"ALSA cannot open its default device: {message.decode(errors='replace')}"
    lib.snd_pcm_close(handle)
    return None
