"""calfkit's install name (``calfkit.DISTRIBUTION``, ``calfkit.install_hint``), and that no hint,
doc or README line sends anyone to ``calfkit`` on the package index: that name belongs to
another, unrelated project, so ``pip install 'calfkit[audio]'`` would install it."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

import calfkit

REPOSITORY = Path(__file__).resolve().parent.parent
# Where users and packagers read install commands: every hint calfkit prints comes from src/.
SCANNED = ("src", "docs", "README.md", "pyproject.toml")
SUFFIXES = {".py", ".md", ".toml", ".txt", ".yaml", ".yml", ".json"}

_INSTALLERS = (
    r"(?:pip3?|python3?\s+-m\s+pip|py\s+-m\s+pip|uv\s+pip|pipx)\s+install"
    r"|uv\s+tool\s+install|uv\s+add|pipx\s+run|uvx"
)
# The old spellings: an extra of `calfkit`, an installer (after its options) given `calfkit`
# itself, and the other project's index page. `calfkit-player` never matches.
OLD_SPELLING = re.compile(
    rf"""calfkit\[
    |(?:{_INSTALLERS})(?:\s+-\S+)*\s+['"]?calfkit(?![\w-])
    |pypi\.org/project/calfkit/""",
    re.VERBOSE,
)


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = REPOSITORY / name
        assert path.exists(), f"{name} is missing from the checkout"
        if path.is_file():
            files.append(path)
        else:
            files.extend(p for p in sorted(path.rglob("*")) if p.suffix in SUFFIXES)
    return files


def old_spellings(text: str) -> list[str]:
    return [match.group(0) for match in OLD_SPELLING.finditer(text)]


@pytest.mark.parametrize(
    "line",
    [
        "pip install 'calfkit[audio]'",
        'pip install "calfkit[simpleaudio]"',
        "A plain `pip install calfkit` gets sound",
        "pip install -U calfkit",
        "python -m pip install --user calfkit==0.1.0",
        "uv tool install calfkit",
        "uv pip install calfkit",
        "pipx install calfkit",
        "uvx calfkit play calf-release",
        "https://pypi.org/project/calfkit/",
    ],
)
def test_the_old_install_spellings_are_caught(line: str) -> None:
    assert old_spellings(line)


@pytest.mark.parametrize(
    "line",
    [
        "pip install 'calfkit-player[audio]'",
        "pip install calfkit-player",
        "uv tool install 'calfkit-player[export]'",
        "pipx install calfkit-player",
        "uvx --from calfkit-player calfkit list",
        "pip install . && calfkit play calf-release",
        "pip install '.[test]' && python -m pytest -n auto",
        "https://pypi.org/project/calfkit-player/",
        "import calfkit; calfkit.install_hint('audio')",
    ],
)
def test_the_new_install_spellings_pass(line: str) -> None:
    assert old_spellings(line) == []


def test_no_hint_doc_or_readme_installs_the_other_calfkit() -> None:
    found = [
        f"{path.relative_to(REPOSITORY)}:{number}: {line.strip()}"
        for path in scanned_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if old_spellings(line)
    ]
    assert found == []


def test_install_hint_names_the_distribution_and_the_extra() -> None:
    assert calfkit.install_hint() == "pip install calfkit-player"
    assert calfkit.install_hint("export") == "pip install 'calfkit-player[export]'"


def test_the_installed_distribution_is_the_one_the_hints_name() -> None:
    meta = metadata.metadata(calfkit.DISTRIBUTION)
    assert meta["Name"] == calfkit.DISTRIBUTION
    assert meta["Version"] == calfkit.__version__


def test_the_index_page_links_to_the_source_docs_and_changelog() -> None:
    urls = dict(
        entry.split(", ", 1)
        for entry in metadata.metadata(calfkit.DISTRIBUTION).get_all("Project-URL") or []
    )
    assert set(urls) >= {"Homepage", "Documentation", "Changelog", "Issues"}
    assert all(url.startswith("https://") for url in urls.values())


def test_the_readme_says_the_install_name_and_that_calfkit_is_another_project() -> None:
    readme = " ".join((REPOSITORY / "README.md").read_text(encoding="utf-8").split())
    assert "On the package index calfkit is called **`calfkit-player`**" in readme
    assert "`calfkit` on the package index is an unrelated project" in readme
    assert "pipx install calfkit-player" in readme
