"""Sound back ends: which one ``auto`` picks, the install hints, and one line per back end
that cannot play."""

from __future__ import annotations

import threading
import time
from array import array

import pytest

from calfkit.sound import pick_backend
from calfkit.sound.backends import OffBackend


class SlowBackend:
    """Takes its time over every sound, as a busy audio system might."""

    label = "slow"

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.played: list[int] = []
        self.closed = False
        self.waited: bool | None = None
        self.threads: set[int] = set()  # the threads that played

    def play(self, samples: array[int]) -> None:
        self.threads.add(threading.get_ident())
        time.sleep(self.delay)
        self.played.append(len(samples))

    def stop(self) -> None:
        self.played.append(0)  # 0 marks a stop among the lengths played

    def close(self, *, wait: bool = True) -> None:
        self.closed = True
        self.waited = wait


def test_off_is_silence_with_nothing_to_fall_back_to() -> None:
    backend, fallbacks = pick_backend("off", pytest.fail)
    assert isinstance(backend, OffBackend) and fallbacks == []


def test_auto_skips_simpleaudio_on_python_3_12_and_later_but_not_when_asked_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys
    import types

    from calfkit.sound import alsa, backends

    # A stand-in simpleaudio and a device that opens, so only the decision is tested.
    monkeypatch.setitem(sys.modules, "simpleaudio", types.ModuleType("simpleaudio"))
    monkeypatch.setattr(alsa, "default_device_problem", lambda: None)
    for version, by_name, skipped in [
        ((3, 12, 0), False, True),
        ((3, 13, 1), False, True),
        ((3, 12, 0), True, False),
        ((3, 11, 9), False, False),
        ((3, 10, 0), True, False),
    ]:
        monkeypatch.setattr(backends.sys, "version_info", version)
        if skipped:
            with pytest.raises(backends.Unavailable, match=r"skipped on Python 3\.12 and later"):
                backends.SimpleaudioBackend(by_name=by_name)
        else:
            backends.SimpleaudioBackend(by_name=by_name).close()
    # auto, on 3.12, goes on to the next back end without a word.
    monkeypatch.setattr(backends.sys, "version_info", (3, 12, 0))
    monkeypatch.setattr(backends, "MiniaudioBackend", lambda: SlowBackend())
    warnings: list[str] = []
    backend, fallbacks = pick_backend("auto", warnings.append)
    assert isinstance(backend, SlowBackend) and warnings == []
    assert fallbacks == ["system", "bell"]


def test_without_simpleaudio_the_hint_fits_the_python_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from calfkit.sound import backends

    monkeypatch.setitem(sys.modules, "simpleaudio", None)  # import fails
    monkeypatch.setattr(backends.sys, "version_info", (3, 11, 0))
    with pytest.raises(backends.Unavailable) as old:
        backends.SimpleaudioBackend(by_name=True)
    assert str(old.value) == "not installed (pip install 'calfkit-player[simpleaudio]')"
    monkeypatch.setattr(backends.sys, "version_info", (3, 12, 0))
    with pytest.raises(backends.Unavailable) as new:
        backends.SimpleaudioBackend(by_name=True)
    # The extra installs nothing on 3.12+, so it is not what to suggest there.
    assert "pip install simpleaudio" in str(new.value)
    assert "'calfkit-player[simpleaudio]')" not in str(new.value)


@pytest.mark.parametrize(
    ("version", "platform"), [((3, 11, 9), "darwin"), ((3, 11, 9), "win32"), ((3, 12, 1), "linux")]
)
def test_where_the_simpleaudio_extra_installs_nothing_the_audio_extra_is_suggested(
    version: tuple[int, int, int], platform: str
) -> None:
    from calfkit.sound.backends import simpleaudio_missing

    said = simpleaudio_missing(version, platform)
    assert "pip install 'calfkit-player[audio]' serves instead" in said
    assert "(pip install 'calfkit-player[simpleaudio]')" not in said
    assert simpleaudio_missing((3, 11, 9), "linux") == (
        "not installed (pip install 'calfkit-player[simpleaudio]')"
    )


def test_a_back_end_asked_for_by_name_that_cannot_play_gives_one_line_and_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from calfkit.sound import backends

    def fake_open(name: str, *, by_name: bool = True) -> backends.Backend:
        if name in ("miniaudio", "system"):
            raise backends.Unavailable(f"{name} is missing here")
        return backends.OffBackend() if name == "off" else SlowBackend()

    monkeypatch.setattr(backends, "open_backend", fake_open)
    warnings: list[str] = []
    backend, fallbacks = pick_backend("miniaudio", warnings.append)
    assert isinstance(backend, SlowBackend) and fallbacks == []  # the bell was next, and last
    assert warnings == ["sound: miniaudio is not available (miniaudio is missing here); using slow"]
    warnings.clear()
    backend, fallbacks = pick_backend("auto", warnings.append)
    assert isinstance(backend, SlowBackend) and fallbacks == ["miniaudio", "system", "bell"]
    assert warnings == []
