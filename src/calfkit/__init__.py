"""calfkit: a terminal player for guided lower-leg recovery routines."""

__version__ = "0.1.0"

# The name calfkit is installed by from the package index. ``calfkit`` there is another,
# unrelated project, so every install hint goes through :func:`install_hint`.
DISTRIBUTION = "calfkit-player"


def install_hint(extra: str | None = None) -> str:
    """The pip command that installs calfkit (with ``extra``), for hints and messages."""
    if extra is None:
        return f"pip install {DISTRIBUTION}"
    return f"pip install '{DISTRIBUTION}[{extra}]'"
