"""What ``calfkit doctor`` reports: each back end's check, the one auto picks, a test beep."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass

from calfkit.sound import alsa
from calfkit.sound.backends import ORDER, BellBackend, Unavailable, open_backend
from calfkit.sound.tones import Sound, render


@dataclass(frozen=True)
class Check:
    """One back end or engine: ``works`` here or not, and ``why`` (or what it is)."""

    name: str
    works: bool
    why: str
    auto: bool = False  # the one ``--sound auto`` picks

    @property
    def verdict(self) -> str:
        mark = "works" if self.works else "no"
        text = f"{mark}: {self.why}" if self.why else mark
        return f"{text}  <- auto" if self.auto else text


def check_sound() -> list[Check]:
    """Open each sound back end in turn (making no sound) and note whether it could play."""
    alsa.silence_errors()
    checks: list[Check] = []
    picked = False
    for name in ORDER:
        try:
            backend = open_backend(name, by_name=True)
        except Unavailable as problem:
            checks.append(Check(name, False, str(problem)))
            continue
        label = backend.label
        backend.close()
        why = "" if label == name else label
        auto = not picked
        if name == "simpleaudio":
            try:
                open_backend(name, by_name=False).close()
            except Unavailable as skipped:
                why = f"if asked for by name; auto skips it: {skipped}"
                auto = False
        if name == "off":
            why = "silence"
        picked = picked or auto
        checks.append(Check(name, True, why, auto))
    return checks


def check_piper(model: str | None = None) -> Check:
    """Whether Piper is installed, which model it would speak with, and that it renders."""
    from calfkit import install_hint
    from calfkit.sound.piper import (
        BUNDLED_DISTRIBUTION,
        PiperVoice,
        VoiceModelError,
        find_model,
        named_model,
        piper_installed,
    )

    if not piper_installed():
        return Check("piper", False, f"not installed ({install_hint('piper')})")
    try:
        found = find_model(model)
    except VoiceModelError as error:
        return Check("piper", False, str(error))
    if found is None:
        if named_model(model) is not None:
            return Check("piper", False, "left out (the voice model asked for is 'system')")
        return Check(
            "piper", False, f"no voice model: install {BUNDLED_DISTRIBUTION} or name a model"
        )
    try:
        PiperVoice(found).render("calfkit", 170)
    except OSError as error:
        return Check("piper", False, str(error))
    return Check("piper", True, f"{found.name}, from {found.source}")


def voice_in_use(model: str | None = None) -> str:
    """The voice ``--voice`` speaks an English routine with here, or why there is none."""
    from calfkit.sound.piper import PiperVoice, VoiceModelError
    from calfkit.sound.speech import pick_voice

    try:
        voice, _ = pick_voice("en", model)
        if isinstance(voice, PiperVoice):
            voice.render("calfkit", 170)  # a model that cannot load speaks nothing in play
    except (VoiceModelError, OSError) as error:
        return f"none: {error}"
    return voice.name if voice is not None else "none (no speech engine found)"


def check_speech(sound: str | None = None, model: str | None = None) -> list[Check]:
    """Whether Piper and espeak-ng can render speech here, and whether macOS's say is there.

    ``sound``: the back end ``--sound auto`` picks; speech is played through it, so with the
    bell or silence it renders but cannot be heard. ``model``: ``--voice-model``.
    """
    from calfkit.sound.speech import espeak_samples

    piper = check_piper(model)
    if piper.works and sound in ("bell", "off"):
        piper = Check("piper", False, f"{piper.why} speaks, but no sound device works here")
    checks = [piper]
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        checks.append(
            Check("espeak-ng", False, "not installed (e.g. `sudo apt install espeak-ng`)")
        )
    elif espeak_samples("calfkit", 22_050):
        if sound in ("bell", "off"):
            why = f"{espeak} speaks, but no sound device works here to hear it through"
            checks.append(Check("espeak-ng", False, why))
        else:
            checks.append(Check("espeak-ng", True, espeak))
    else:
        checks.append(Check("espeak-ng", False, f"{espeak} produced no speech"))
    if sys.platform == "darwin":
        say = shutil.which("say")
        checks.append(Check("say", say is not None, say or "not found"))
    else:
        checks.append(Check("say", False, "macOS only"))
    return checks


def test_beep() -> str:
    """Play the step sound through the back end auto picks; say what happened."""
    from calfkit.sound import pick_backend

    problems: list[str] = []
    backend, _ = pick_backend("auto", problems.append)
    if problems:
        return "not played: no sound back end works here"
    try:
        backend.play(render(Sound.STEP))
    except Exception as error:  # a back end failing here is what doctor is for
        return f"{backend.label} failed: {error}"
    finally:
        backend.close()
    if isinstance(backend, BellBackend):
        return "rang the terminal bell (the only sound it can make)"
    return f"played through {backend.label} (a rising two-note chime)"
