"""Speech engines: turn a phrase into samples, so that its spoken length is known exactly
before it is heard and it plays through calfkit's own sound back end (its device, its
fallback, its mute).

Three back ends share one interface, :class:`Voice`: ``espeak-ng`` (Linux, and anywhere it
is installed), macOS's ``say`` and Windows' own speech (SAPI, through PowerShell's
System.Speech). Each is a command that writes a WAV file; the phrase goes to it on stdin,
never on its command line, so no text can ever be read as an option (a cue that begins with
"-") and no cue is too long for an argument list. What is said when is decided by
:mod:`calfkit.sound.plan`.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from calfkit.model import DEFAULT_LANGUAGE
from calfkit.sound import DEFAULT_RATE_WPM as DEFAULT_RATE_WPM  # the one home
from calfkit.sound import MAX_RATE_WPM as MAX_RATE_WPM
from calfkit.sound import MIN_RATE_WPM as MIN_RATE_WPM
from calfkit.text import one_line

RENDER_TIMEOUT_SECONDS = 60.0
"""A speech command still running after this long is stuck: it is killed, and fails."""

Run = Callable[..., "subprocess.CompletedProcess[bytes]"]
"""``subprocess.run``, or a stand-in with its signature (tests)."""


class Voice(Protocol):
    """A speech engine: renders one phrase to samples."""

    name: str

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        """``text`` spoken at ``wpm`` words per minute, as (samples, their sample rate);
        OSError (saying why) if it cannot be."""


class CommandVoice:
    """A voice that runs a command writing a WAV (to stdout or a file) with the text on stdin.

    Subclasses say which command (:meth:`command`); ``run`` is ``subprocess.run`` unless a
    test hands in another.
    """

    name = "speech"
    writes_file = False  # True: the command writes the file named by ``out``, not stdout

    def __init__(self, program: str, *, run: Run = subprocess.run) -> None:
        self.program = program
        self._run = run

    def command(self, wpm: int, out: str | None) -> tuple[list[str], dict[str, str]]:
        """The argv, and extra environment, that speak stdin at ``wpm`` into ``out``."""
        raise NotImplementedError

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        from calfkit.sound.wav import read_wav

        if self.writes_file:
            with tempfile.TemporaryDirectory(prefix="calfkit-voice-") as folder:
                out = os.path.join(folder, "phrase.wav")
                self._call(text, wpm, out)
                try:
                    data = Path(out).read_bytes()
                except OSError:
                    raise OSError(f"{self.name} wrote no speech") from None
        else:
            data = self._call(text, wpm, None)
        if not data:
            raise OSError(f"{self.name} produced no speech")
        try:
            return read_wav(data)
        except Exception as error:  # a broken WAV is the engine's failure, not a crash
            raise OSError(f"{self.name} produced no readable speech ({error})") from None

    def _call(self, text: str, wpm: int, out: str | None) -> bytes:
        argv, extra = self.command(wpm, out)
        env = {**os.environ, **extra} if extra else None
        try:
            result = self._run(
                argv,
                input=one_line(text).encode("utf-8"),  # no control characters reach it
                capture_output=True,
                check=False,
                timeout=RENDER_TIMEOUT_SECONDS,
                env=env,
                **apart_from_the_terminal(),
            )
        except subprocess.TimeoutExpired:
            raise OSError(f"{self.name} took too long") from None
        if result.returncode != 0:
            lines = result.stderr.decode(errors="replace").strip().splitlines()
            detail = lines[-1].strip() if lines else f"exit status {result.returncode}"
            raise OSError(f"{self.name} failed: {detail}")
        return bytes(result.stdout)


def apart_from_the_terminal() -> dict[str, Any]:
    """``subprocess`` options that keep a speech command out of the terminal's signals: a
    Ctrl-C meant for calfkit (which stops the session and the rendering with it) must not
    kill the engine mid-phrase and be reported as the engine failing."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def espeak_voice_name(language: str) -> str:
    """espeak-ng's name for a BCP 47 tag: ``en-GB`` is ``en-gb``."""
    return language.lower()


class EspeakVoice(CommandVoice):
    """``espeak-ng --stdout``: reads the phrase from stdin, writes a WAV to stdout."""

    name = "espeak-ng"

    def __init__(
        self, program: str, language: str = DEFAULT_LANGUAGE, *, run: Run = subprocess.run
    ) -> None:
        super().__init__(program, run=run)
        self.language = language
        self.voice = espeak_voice_name(language)

    def command(self, wpm: int, out: str | None) -> tuple[list[str], dict[str, str]]:
        # No text argument: espeak-ng reads stdin, so a phrase can never be taken for an option.
        return [self.program, "--stdout", "-s", str(wpm), "-v", self.voice], {}

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        try:
            return super().render(text, wpm)
        except OSError as error:
            primary = self.voice.split("-")[0]
            if primary == self.voice:
                raise self._no_voice(error) from None
            # No voice for the region (en-nz): the language's own voice says it as well.
            self.voice = primary
            try:
                return super().render(text, wpm)
            except OSError as again:
                raise self._no_voice(again) from None

    def _no_voice(self, error: OSError) -> OSError:
        """espeak-ng's "The specified espeak-ng voice does not exist" in calfkit's words:
        which language, and where it comes from."""
        if "voice does not exist" not in str(error):
            return error
        return OSError(
            f"espeak-ng has no voice for the language {self.language!r} (the routine's "
            "language:); install one, or write another language"
        )


SAY_DEFAULT_WPM = 175


class SayVoice(CommandVoice):
    """macOS's ``say``: reads the phrase from stdin (``-f -``), writes a WAV file (``-o``)."""

    name = "say"
    writes_file = True

    def __init__(
        self, program: str, language: str = DEFAULT_LANGUAGE, *, run: Run = subprocess.run
    ) -> None:
        super().__init__(program, run=run)
        self.language = language
        self._voice: str | bool | None = False  # False: not looked up yet

    def command(self, wpm: int, out: str | None) -> tuple[list[str], dict[str, str]]:
        assert out is not None
        argv = [self.program, "-r", str(wpm)]
        voice = self.voice()
        if voice is not None:
            argv += ["-v", voice]
        argv += ["-o", out, "--file-format=WAVE", "--data-format=LEI16@22050", "-f", "-"]
        return argv, {}

    def voice(self) -> str | None:
        """The first installed voice for the language (``say -v ?``), None for the default."""
        if self._voice is False:
            self._voice = None
            if self.language.lower() != DEFAULT_LANGUAGE:
                try:
                    listing = self._run(
                        [self.program, "-v", "?"], capture_output=True, check=False, timeout=10
                    )
                    self._voice = say_voice_for(
                        listing.stdout.decode(errors="replace"), self.language
                    )
                except (OSError, subprocess.TimeoutExpired):
                    self._voice = None
        assert self._voice is not True
        return self._voice


def say_voice_for(listing: str, language: str) -> str | None:
    """The first voice in ``say -v ?``'s listing whose locale matches a BCP 47 tag.

    Lines look like ``Anna                de_DE    # Hallo, ich heiße Anna.``; the name may
    hold spaces, the locale is the last word before ``#``.
    """
    wanted = language.lower().replace("_", "-")
    exact: str | None = None
    loose: str | None = None
    for line in listing.splitlines():
        head = line.split("#", 1)[0].split()
        if len(head) < 2:
            continue
        name, locale = " ".join(head[:-1]), head[-1].lower().replace("_", "-")
        if locale == wanted and exact is None:
            exact = name
        if locale.split("-")[0] == wanted.split("-")[0] and loose is None:
            loose = name
    return exact or loose


SAPI_DEFAULT_WPM = 180
"""About how fast SAPI speaks at its rate 0; its rates -10..10 scale that by up to 3 each way."""

SAPI_SCRIPT = (
    "$ErrorActionPreference = 'Stop'; "
    "Add-Type -AssemblyName System.Speech; "
    "[Console]::InputEncoding = [System.Text.Encoding]::UTF8; "
    "$text = [Console]::In.ReadToEnd(); "
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
    "try { $s.SelectVoiceByHints([System.Speech.Synthesis.VoiceGender]::NotSet, "
    "[System.Speech.Synthesis.VoiceAge]::NotSet, 0, "
    "[System.Globalization.CultureInfo]::new($env:CALFKIT_LANGUAGE)) } catch { }; "
    "$s.Rate = [int]$env:CALFKIT_RATE; "
    "$s.SetOutputToWaveFile($env:CALFKIT_OUT); "
    "$s.Speak($text); "
    "$s.Dispose()"
)
"""The PowerShell that speaks stdin into a WAV file; what varies comes in the environment, so
nothing in it is ever quoted from a phrase or a path."""


def sapi_rate(wpm: int) -> int:
    """SAPI's rate (-10..10) nearest to ``wpm``: rate 10 is 3x its default, -10 a third."""
    return max(-10, min(10, round(10 * math.log(wpm / SAPI_DEFAULT_WPM, 3))))


class SapiVoice(CommandVoice):
    """Windows' speech through PowerShell's System.Speech: stdin in, a WAV file out."""

    name = "Windows speech"
    writes_file = True

    def __init__(
        self, program: str, language: str = DEFAULT_LANGUAGE, *, run: Run = subprocess.run
    ) -> None:
        super().__init__(program, run=run)
        self.language = language

    def command(self, wpm: int, out: str | None) -> tuple[list[str], dict[str, str]]:
        assert out is not None
        argv = [self.program, "-NoProfile", "-NonInteractive", "-Command", SAPI_SCRIPT]
        env = {
            "CALFKIT_OUT": out,
            "CALFKIT_RATE": str(sapi_rate(wpm)),
            "CALFKIT_LANGUAGE": self.language,
        }
        return argv, env


def find_voice(
    language: str = DEFAULT_LANGUAGE,
    *,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> CommandVoice | None:
    """The speech engine here: espeak-ng if installed, else ``say`` on macOS, else SAPI on
    Windows (through PowerShell); None when there is none."""
    espeak = which("espeak-ng")
    if espeak is not None:
        return EspeakVoice(espeak, language)
    if platform == "darwin":
        say = which("say")
        if say is not None:
            return SayVoice(say, language)
    if platform == "win32":
        powershell = which("powershell") or which("pwsh")
        if powershell is not None:
            return SapiVoice(powershell, language)
    return None


def pick_voice(
    language: str = DEFAULT_LANGUAGE,
    model: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    piper: bool | None = None,
) -> tuple[Voice | None, list[str]]:
    """The voice ``--voice`` speaks with, and lines to tell the user about the choice.

    Piper first, when it is installed and has a model (``model``: ``--voice-model``; else
    ``CALFKIT_VOICE_MODEL``; else the voice package's) that speaks ``language``; else the
    system's engine (:func:`find_voice`). ``system`` as the model leaves Piper out. A model
    named but unusable raises :class:`~calfkit.sound.piper.VoiceModelError`; one named while
    Piper is not installed, or for another language, is said in a line and the system's
    engine speaks. ``piper``: whether Piper is installed (None: look).
    """
    from calfkit.sound import piper as piper_engine

    notes: list[str] = []
    found = piper_engine.find_model(model, environ=environ)
    named = piper_engine.named_model(model, environ) is not None
    installed = piper_engine.piper_installed() if piper is None else piper
    if found is not None and not installed:
        if named:
            notes.append(
                f"voice: {found.name} needs Piper ({install_hint_for_piper()}); "
                "the system's voice speaks instead"
            )
    elif found is not None and not piper_engine.same_language(found.language, language):
        notes.append(
            f"voice: {found.name} speaks {found.language}, not the routine's language "
            f"{language!r}; the system's voice speaks instead"
        )
    elif found is not None:
        return piper_engine.PiperVoice(found), notes
    return find_voice(language, platform=platform, which=which), notes


def install_hint_for_piper() -> str:
    from calfkit import install_hint as calfkit_install_hint

    return calfkit_install_hint("piper")


def speech_available() -> bool:
    """Whether a speech engine is installed here."""
    return find_voice() is not None


def install_hint() -> str:
    """One line saying what to install for spoken cues on this system."""
    if sys.platform == "darwin":
        return "voice: macOS's `say` was not found; spoken cues are off"
    if sys.platform == "win32":
        return (
            "voice: no speech engine found (neither PowerShell's System.Speech nor espeak-ng); "
            "install espeak-ng (https://github.com/espeak-ng/espeak-ng/releases) for spoken cues"
        )
    return (
        "voice: no speech engine found; install espeak-ng "
        "(e.g. `sudo apt install espeak-ng`) for spoken cues"
    )


def espeak_samples(
    text: str, rate: int, *, wpm: int = DEFAULT_RATE_WPM, language: str = DEFAULT_LANGUAGE
) -> array[int] | None:
    """``text`` spoken by espeak-ng, resampled to ``rate``; None without espeak-ng or on failure."""
    from calfkit.sound.wav import resample

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None
    try:
        samples, source_rate = EspeakVoice(espeak, language).render(text, wpm)
    except OSError:
        return None
    return resample(samples, source_rate, rate)
