"""``calfkit doctor``: which sound and speech back ends work here, and why the others do not."""

from __future__ import annotations

import click


@click.command(name="doctor")
@click.option("--beep/--no-beep", default=True, show_default=True, help="Play a test beep.")
@click.option(
    "--voice-model",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Check this Piper voice model, as play --voice-model would use it.",
)
def command(beep: bool, voice_model: str | None) -> None:
    """Check each sound back end (in the order --sound auto tries them) and each speech
    engine: whether it works here, and why not. Then play a test beep through the one
    auto picks."""
    from calfkit.sound.doctor import check_sound, check_speech, test_beep, voice_in_use

    click.echo("Sound (--sound auto takes the first that works, in this order):")
    checks = check_sound()
    width = max(len(check.name) for check in checks)
    for check in checks:
        click.echo(f"  {check.name:<{width}}  {check.verdict}")
    auto = next((check for check in checks if check.auto), None)
    click.echo(f"--sound auto picks: {auto.name if auto else 'off'}")
    click.echo("Speech (--voice):")
    speech = check_speech(auto.name if auto else "off", voice_model)
    width = max(len(check.name) for check in speech)
    for check in speech:
        click.echo(f"  {check.name:<{width}}  {check.verdict}")
    click.echo(f"--voice speaks with: {voice_in_use(voice_model)}")
    if beep:
        click.echo(f"Test beep: {test_beep()}")
