"""Settings: each default of a session held once, and read from there by play and export."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.errors import SettingError
from calfkit.player.pace import LEAD_IN_SECONDS
from calfkit.session.settings import DEFAULTS, Settings
from calfkit.sound import DEFAULT_RATE_WPM


def test_the_defaults_are_the_homes_own() -> None:
    assert DEFAULTS.lead_in == LEAD_IN_SECONDS
    assert DEFAULTS.voice_rate == DEFAULT_RATE_WPM
    assert (DEFAULTS.speed, DEFAULTS.start, DEFAULTS.sound) == (1.0, 1, "auto")
    assert (DEFAULTS.voice, DEFAULTS.plain, DEFAULTS.history) == (False, False, True)
    assert DEFAULTS.pace.speed == 1.0


def test_options_not_given_take_the_defaults() -> None:
    settings = Settings.given(voice=True, voice_rate=None, lead_in=None, log_events=None)
    assert settings == Settings(voice=True)
    assert Settings.given(lead_in=0.0).lead_in == 0.0  # 0 is given, not missing
    with pytest.raises(TypeError, match="not settings: colour"):
        Settings.given(colour="red")


@pytest.mark.parametrize(
    ("option", "values"),
    [
        ("--speed", {"speed": 0.001}),
        ("--lead-in", {"lead_in": -1.0}),
        ("--voice-rate", {"voice_rate": 10}),
        ("--sound", {"sound": "loud"}),
    ],
)
def test_a_value_no_session_can_use_names_its_option(
    option: str, values: dict[str, object]
) -> None:
    with pytest.raises(SettingError) as raised:
        Settings(**values)  # type: ignore[arg-type]
    assert raised.value.option == option
    assert raised.value.exit_code == 2


def test_play_and_export_show_the_settings_defaults_in_their_help() -> None:
    runner = CliRunner()
    for command in ("play", "export"):
        shown = " ".join(runner.invoke(cli, [command, "--help"]).output.split())
        lead_in = re.search(r"--lead-in SECONDS .*?\[default: ([0-9.]+)\]", shown)
        assert lead_in is not None and float(lead_in.group(1)) == DEFAULTS.lead_in
        rate = re.search(r"--voice-rate WPM .*?default:? ([0-9]+)", shown)
        assert rate is not None and int(rate.group(1)) == DEFAULTS.voice_rate
