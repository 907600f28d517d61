"""Routine text never drives the terminal, whichever command writes it.

The bytes each command writes are checked: no C0 control but newline, no DEL, no C1 (8-bit
CSI U+009B among them), whatever a routine's text holds. Only calfkit's own colour codes
(SGR, ``ESC [ … m``, when colour is forced) may appear.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calfkit.cli import cli
from calfkit.text import clean, shown
from tests.program import calfkit

_SGR = re.compile(rb"\x1b\[[0-9;]*m")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_counter = itertools.count()


def no_controls(data: bytes, *, colour: bool = False) -> None:
    if colour:
        data = _SGR.sub(b"", data)
    text = data.decode("utf-8")
    found = _CONTROL.search(text)
    assert found is None, (found, text)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALFKIT_HISTORY", str(tmp_path / "history.sqlite3"))
    monkeypatch.delenv("CALFKIT_PATH", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "config" / "routines").mkdir(parents=True)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


FAST = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off")


def every_output(path: Path, name: str) -> None:
    """list (plain and coloured), show, show --json, validate, play --plain, history: clean."""
    for args, colour in (
        (("list",), False),
        (("list", "--json"), False),
        (("show", str(path)), False),
        (("show", "--json", str(path)), False),
        (("validate", str(path)), False),
        (("validate", "--format", "json", str(path)), False),
        (("play", str(path), *FAST), False),
        (("history",), False),
        (("history", "--json"), False),
    ):
        code, out, err = run(*args)
        assert code in (0, 1), (args, out, err)
        assert b"Traceback" not in err
        no_controls(out, colour=colour)
        no_controls(err, colour=colour)
    code, out, err = run("list", env={"FORCE_COLOR": "1"})
    assert code == 0
    no_controls(out, colour=True)
    assert name.encode() in out


ESCAPES = {
    "osc-52-clipboard": "\x1b]52;c;cm0gLXJmIH4vKg==\x07",
    "osc-8-link": "\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\",
    "8-bit-csi": "\x9b2J\x9b?25l",
    "cursor-hide": "\x1b[?25l",
    "window-title": "\x1b]0;owned\x07\x1b[2J",
}


@pytest.mark.parametrize("escape", list(ESCAPES.values()), ids=list(ESCAPES))
def test_escape_sequences_in_a_title_and_a_cue_never_reach_the_terminal(
    home: Path, escape: str
) -> None:
    document = {
        "title": f"Sneaky{escape} title",
        "caution": f"Careful{escape}",
        "steps": [{"do": f"Press{escape}", "duration": 30, "note": f"n{escape}"}],
    }
    path = home / "config" / "routines" / "sneaky.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert "\\e" in path.read_text() or "\\x" in path.read_text() or "\\u" in path.read_text()
    every_output(path, "sneaky")
    code, out, _ = run("validate", str(path))
    assert code == 0  # warnings only
    assert out.count(b": warning: ") == 4
    assert b"control character U+" in out
    assert run("validate", "--strict", str(path))[0] == 1


text_with_controls = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x1F),
        st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    ),
    min_size=1,
    max_size=12,
).map(lambda text: "x" + text)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=text_with_controls,
    description=text_with_controls,
    caution=text_with_controls,
    cue=text_with_controls,
    note=text_with_controls,
    name=text_with_controls,
    equipment=text_with_controls,
)
def test_control_characters_in_every_text_field_never_reach_the_output(
    home: Path,
    title: str,
    description: str,
    caution: str,
    cue: str,
    note: str,
    name: str,
    equipment: str,
) -> None:
    document = {
        "title": title[:80],
        "description": description,
        "caution": caution,
        "tags": ["fuzz"],
        "equipment": [equipment],
        "steps": [
            {"prepare": cue, "duration": 1, "name": name[:80], "note": note},
            {"repeat": 2, "steps": [{"count": 2, "cue": cue, "every": 0.5}]},
            {"sides": ["right"], "switch": 0, "steps": [{"rest": 1, "cue": cue}]},
            {"breathe": 1, "cue": cue, "inhale": 1, "exhale": 1},
            {"hold": cue, "duration": 1},
        ],
    }
    stem = f"fuzz-{next(_counter)}"
    path = home / "config" / "routines" / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=False), encoding="utf-8")
    every_output(path, stem)
    path.unlink()


# ---- arguments and files that used to end in a traceback ---------------------------------------


FAST_NO_VOICE = ("--plain", "--speed", "1000", "--lead-in", "0", "--sound", "off", "--no-voice")


_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("control", list(_BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_a_bidi_override_in_routine_text_never_reaches_the_output(
    tmp_path: Path, control: str
) -> None:
    # An override left open reverses the rest of the line where a terminal lays out bidi
    # text: the title's list row would read backwards to its Source column.
    folder = tmp_path / "shared"
    folder.mkdir()
    routine = folder / "spoof.yaml"
    escape = f"\\u{ord(control):04x}"  # YAML's escape, as a file from the web may hold it
    routine.write_text(
        f'title: "Calf {escape} evil"\n'
        "steps:\n"
        f'  - do: "Heel {escape} down"\n'
        "    duration: 5\n"
        '    note: "\u05e2\u05d1\u05e8\u05d9\u05ea \u200f ok"\n'
    )
    outputs = []
    for args in (
        ("list",),
        ("show", str(routine)),
        ("play", str(routine), *FAST_NO_VOICE, "--no-history"),
        ("validate", str(routine)),
    ):
        done = calfkit(tmp_path, *args, CALFKIT_PATH=str(folder))
        assert done.returncode == 0, (args, done.stderr)
        outputs.append(done.stdout + done.stderr)
    for output in outputs:
        assert not set(_BIDI_CONTROLS) & set(output), output
    assert "Calf  evil" in outputs[0]
    # A right-to-left mark changes no state and right-to-left text may need it: it stays.
    assert "\u05e2\u05d1\u05e8\u05d9\u05ea \u200f ok" in outputs[1]
    warnings = outputs[3].splitlines()
    name = f"U+{ord(control):04X}"
    assert f"{routine}:1:8: warning: 'title' holds the control character {name}" in warnings[0]
    assert f"{routine}:3:9: warning: do step: 'do' holds the control character {name}" in outputs[3]


# Issue 21, item 7: paths and arguments that calfkit echoes, not only routine text.
HOSTILE = "\x1b]0;PWN\x07\x1b[31m\x9b2J\u202e"
SHOWN = "\\x1b]0;PWN\\x07\\x1b[31m\\x9b2J\\u202e"  # the same, as calfkit writes it
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def nothing_unsafe(*outputs: bytes) -> str:
    """The outputs as text, after checking that no control or bidi character is in them."""
    text = b"".join(outputs).decode("utf-8")
    found = _UNSAFE.search(text)
    assert found is None, (found, text)
    return text


ROUTINE = "title: R\nsteps:\n  - do: Go.\n    duration: 1s\n"
PLAY = ("--plain", "--sound", "off", "--lead-in", "0", "--speed", "100")


@pytest.mark.parametrize(
    "make_args",
    [
        lambda tmp: ["show", f"nofile{HOSTILE}.yaml"],
        lambda tmp: ["play", f"nofile{HOSTILE}.yaml"],
        lambda tmp: ["show", str(tmp)],  # a folder named with it
        lambda tmp: ["export", "r.yaml", f"{tmp}/no/x.wav"],  # cannot write …/no/x.wav
        lambda tmp: ["export", "r.yaml", f"{tmp}.fit"],  # already exists
        lambda tmp: ["export", "r.yaml", f"{tmp}-new.fit"],  # Wrote …
        lambda tmp: ["play", "r.yaml", *PLAY, "--log-events", f"{tmp}/no/x.jsonl"],
        lambda tmp: ["play", "r.yaml", *PLAY, "--log-events", f"{tmp}.fit"],
        lambda tmp: ["play", "r.yaml", *PLAY, "--log-events", str(tmp)],
        lambda tmp: ["list", "--tag", f"x{HOSTILE}"],
    ],
    ids=[
        "show-missing",
        "play-missing",
        "show-folder",
        "export-no-folder",
        "export-exists",
        "export-wrote",
        "log-events-no-folder",
        "log-events-exists",
        "log-events-folder",
        "list-tag",
    ],
)
def test_a_path_or_argument_with_escape_sequences_is_echoed_escaped(
    home: Path, monkeypatch: pytest.MonkeyPatch, make_args: Any
) -> None:
    monkeypatch.chdir(home)
    Path("r.yaml").write_text(ROUTINE)
    hostile = home / f"dir{HOSTILE}"
    hostile.mkdir()
    Path(f"{hostile}.fit").write_text("x")
    _, out, err = run(*make_args(hostile))
    text = nothing_unsafe(out, err)
    assert SHOWN in text, text


def test_a_folder_in_calfkit_path_and_calfkit_history_are_shown_escaped(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = home / f"shared{HOSTILE}"
    folder.mkdir()
    (folder / "broken.yaml").write_text("title: [\n")
    (folder / f"Bad{HOSTILE}.yaml").write_text(ROUTINE)
    history = home / f"log{HOSTILE}"
    history.mkdir()  # a folder where the log should be: every command says so
    monkeypatch.setenv("CALFKIT_PATH", str(folder))
    monkeypatch.setenv("CALFKIT_HISTORY", str(history))
    code, out, err = run("list")
    assert code == 0
    assert nothing_unsafe(out, err).count(SHOWN) >= 3, err
    code, out, err = run("history")
    assert code == 1
    assert SHOWN in nothing_unsafe(out, err)
    routine = home / "r.yaml"
    routine.write_text(ROUTINE)
    code, out, err = run("play", str(routine), *PLAY)
    assert code == 0
    assert f"history: not recording this session: {history.parent}/log{SHOWN}" in nothing_unsafe(
        out, err
    )


def test_new_under_a_config_folder_named_with_escapes_writes_a_valid_starter(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = home / f"config{HOSTILE}"
    monkeypatch.setenv("CALFKIT_CONFIG_DIR", str(config))
    code, out, err = run("new", "foo")
    assert code == 0, err
    assert SHOWN in nothing_unsafe(out, err)
    starter = config / "routines" / "foo.yaml"
    text = starter.read_text(encoding="utf-8")
    assert _UNSAFE.search(text) is None
    assert yaml.safe_load(text)["title"] == "Foo"
    code, out, err = run("validate", str(starter))
    assert code == 0, err


def test_shown_writes_escapes_for_what_clean_removes_and_keeps_printable_text() -> None:
    assert shown("nofile\x1b]0;PWN\x07\x9b2J\u202e.yaml") == (
        "nofile\\x1b]0;PWN\\x07\\x9b2J\\u202e.yaml"
    )
    assert shown("Wadenmassage – Ünterschenkel.yaml") == "Wadenmassage – Ünterschenkel.yaml"
    assert shown("two\nlines\ttab") == "two\\nlines\\ttab"


def test_shown_takes_paths_and_bytes_that_are_not_utf8() -> None:
    assert shown(os.fsdecode(b"/tmp/conf\xff/x.yaml")) == "/tmp/conf\\udcff/x.yaml"
    assert shown(b"/tmp/conf\xff") == "/tmp/conf\\udcff"
    assert shown(Path("/tmp/a\x1bb")) == "/tmp/a\\x1bb"


@given(st.text())
def test_what_shown_gives_is_printable_utf8_on_one_line(text: str) -> None:
    out = shown(text)
    assert out.isprintable()
    out.encode("utf-8")  # no lone surrogate left
    assert clean(out) == out  # nothing the routine-text cleaner would take out
    if text.isprintable():
        assert out == text


# -- issue 21, item 12: widths by grapheme cluster, and text that shows nothing ---------------
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one emoji, 2 columns
JAMO = "\u1112\u1161\u11ab\u1100\u1173\u11af"  # 한글 written in jamo: 2 syllables, 4 columns


def test_cells_counts_each_grapheme_cluster_as_a_terminal_shows_it() -> None:
    from calfkit.text import cells, graphemes

    assert cells("\u2764\ufe0f Heart") == 8  # the heart in emoji form: 2 columns
    assert cells(JAMO) == 4 and len(graphemes(JAMO)) == 2
    assert cells(FAMILY) == 2 and graphemes(FAMILY) == [FAMILY]
    assert cells("e\u0301") == 1 and cells("\u200b") == 0
    assert cells("\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7") == 4  # two flags
    assert cells("\U0001f44d\U0001f3fd") == 2  # a thumb with a skin tone
    assert cells("ふくらはぎ") == 10


def test_fit_never_cuts_inside_a_cluster() -> None:
    from calfkit.text import cells, fit

    assert fit(FAMILY * 3, 5) == FAMILY * 2 + "…"
    assert fit(JAMO + "abc", 4) == "\u1112\u1161\u11ab…"
    assert fit("ab\u2764\ufe0fcd", 4) == "ab…"
    assert fit("short", 5) == "short" and cells(fit(FAMILY * 9, 7)) <= 7


@given(
    st.lists(
        st.sampled_from(["a", "é", "e\u0301", FAMILY, JAMO, "\u2764\ufe0f", "ふ", "\u200b", " "]),
        max_size=12,
    ),
    st.integers(min_value=1, max_value=30),
)
def test_fit_keeps_whole_clusters_within_the_width(parts: list[str], width: int) -> None:
    from calfkit.text import cells, fit, graphemes

    text = "".join(parts)
    out = fit(text, width)
    assert cells(out) <= width
    kept = out[:-1] if out.endswith("…") and out != text else out
    assert graphemes(text)[: len(graphemes(kept))] == graphemes(kept)


def test_blank_text_is_text_that_shows_nothing() -> None:
    from calfkit.text import blank

    for nothing in ("", " ", "\u200b", "\u200b\u200d\ufe0f", "\u3164", "\u2800\u00a0"):
        assert blank(nothing), repr(nothing)
    for something in ("a", "\u200ba", FAMILY, "\u0301e"):
        assert not blank(something), repr(something)
