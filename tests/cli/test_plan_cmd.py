"""``calfkit plan`` (list, show, validate, start, stop, export) and ``schema --plan``, through
click's CliRunner, with real plan files, a real history file and an injected date."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from calfkit.cli import cli
from calfkit.history import History


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CALFKIT_TODAY", "2026-12-07")
    return CliRunner()


def test_list_and_show_name_the_built_in_plan_and_its_weeks(runner: CliRunner) -> None:
    listed = runner.invoke(cli, ["plan", "list"])
    assert listed.exit_code == 0
    assert "four-calm-weeks" in listed.output
    shown = runner.invoke(cli, ["plan", "show", "four-calm-weeks"])
    assert shown.exit_code == 0, shown.output
    assert "Rest days: sun" in shown.output
    assert "week 4: 06:48, holds +15s (up to 45s)" in shown.output


def test_validate_prints_positioned_errors_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nweeks: many\nsessions: [{routine: calf-release, days: [mon]}]\n")
    result = runner.invoke(cli, ["plan", "validate", str(bad), "four-calm-weeks"])
    assert result.exit_code == 1
    assert f"{bad}:2:8: error: 'weeks' must be a whole number" in result.stderr
    assert "four-calm-weeks.yaml: ok" in result.output


def test_start_records_the_plan_in_the_history_and_stop_ends_it(runner: CliRunner) -> None:
    started = runner.invoke(cli, ["plan", "start", "four-calm-weeks", "--on", "2026-12-03"])
    assert started.exit_code == 0, started.output
    assert "Thu 2026-12-03 to Wed 2026-12-30" in started.output
    with History() as history:
        run = history.active_plan()
    assert run is not None and run.name == "four-calm-weeks"
    assert str(run.started_on) == "2026-12-03"
    assert runner.invoke(cli, ["plan", "stop"]).output == "Stopped following the plan.\n"
    with History() as history:
        assert history.active_plan() is None
    assert runner.invoke(cli, ["plan", "stop"]).output == "No plan was being followed.\n"


def test_an_unknown_plan_is_one_error_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plan", "start", "no-such-plan"])
    assert result.exit_code == 1
    assert result.stderr.startswith("calfkit: error: no plan named 'no-such-plan'")
    assert "Traceback" not in result.output + result.stderr


def test_export_writes_ics_refuses_to_overwrite_without_force(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "plan.ics"
    result = runner.invoke(cli, ["plan", "export", "four-calm-weeks", str(target)])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output == f"Wrote {target} (36 events, 2026-12-07 to 2027-01-03)\n"
    events = list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len(events) == 36

    target.write_text("mine")
    again = runner.invoke(cli, ["plan", "export", "four-calm-weeks", str(target)])
    assert again.exit_code == 1
    assert "already exists; add --force" in again.stderr
    assert target.read_text() == "mine"
    forced = runner.invoke(cli, ["plan", "export", "four-calm-weeks", str(target), "--force"])
    assert forced.exit_code == 0
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_export_starts_on_the_day_the_followed_plan_began(
    runner: CliRunner, tmp_path: Path
) -> None:
    runner.invoke(cli, ["plan", "start", "four-calm-weeks", "--on", "2026-11-30"])
    result = runner.invoke(cli, ["plan", "export", "four-calm-weeks", str(tmp_path / "p.ics")])
    assert "2026-11-30 to 2026-12-27" in result.output


def test_export_never_writes_over_the_plan_it_reads(runner: CliRunner, tmp_path: Path) -> None:
    plan = tmp_path / "mine.yaml"
    text = "title: Mine\nweeks: 1\nsessions: [{routine: calf-release, days: [mon]}]\n"
    plan.write_text(text)
    result = runner.invoke(cli, ["plan", "export", str(plan), str(plan), "--force"])
    assert result.exit_code == 1
    assert "not even with --force" in result.stderr
    assert plan.read_text() == text


def test_export_echoes_a_file_name_without_its_control_characters(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "odd\x1b[31mname.ics"
    result = runner.invoke(cli, ["plan", "export", "four-calm-weeks", str(target)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert target.exists()


def test_schema_plan_prints_the_plan_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "--plan"])
    schema = json.loads(result.output)
    assert schema["title"] == "calfkit plan"
    assert "sessions" in schema["required"]


@pytest.mark.parametrize("on", ["9999-12-25", "0001-01-01", "1969-12-31", "3000-01-01"])
@pytest.mark.parametrize("command", [["plan", "start"], ["plan", "export"]])
def test_a_start_day_out_of_range_is_a_usage_error_not_an_overflow(
    runner: CliRunner, tmp_path: Path, on: str, command: list[str]
) -> None:
    target = [str(tmp_path / "p.ics")] if command[1] == "export" else []
    result = runner.invoke(cli, [*command, "four-calm-weeks", *target, "--on", on])
    assert result.exit_code == 2, result.output + result.stderr
    assert f"'{on}' is not a date from 2000-01-01 to 2999-12-31" in result.stderr
    assert not (tmp_path / "p.ics").exists()


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "1900-03-01"])
@pytest.mark.parametrize("command", [["today"], ["history", "--calendar"], ["play", "today"]])
def test_calfkit_today_out_of_range_is_a_usage_error_not_an_overflow(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    today: str,
    command: list[str],
) -> None:
    assert runner.invoke(cli, ["plan", "start", "four-calm-weeks"]).exit_code == 0
    monkeypatch.setenv("CALFKIT_TODAY", today)
    result = runner.invoke(cli, command)
    assert result.exit_code == 2, result.output + result.stderr
    assert f"CALFKIT_TODAY='{today}' is not a date from 2000-01-01" in result.stderr
