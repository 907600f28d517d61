"""Functions in src/ over the 80-line limit, longest first, and where kinds are branched on.

Prints every function (or method) longer than ``--limit`` lines (default 80: the project's
limit), counting from its ``def`` (decorators excluded) to its last line; then how many
``isinstance`` calls test for a step class outside the kinds' home (``model.py``), per file.

    python bench/long_functions.py [--limit 80] [--top 0] [src/calfkit]

``--top N`` also prints the N longest functions whatever their length. Exits 1 when a
function is over the limit, so a script can use it as a check.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP_CLASSES = {
    "Step",
    "Prepare",
    "Do",
    "Hold",
    "Count",
    "Breathe",
    "Rest",
    "Reps",
    "Repeat",
    "Sides",
    "Include",
}


def functions(path: Path) -> list[tuple[int, str, int]]:
    """(lines, qualified name, first line) of every function in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                end = child.end_lineno or child.lineno
                found.append((end - child.lineno + 1, prefix + child.name, child.lineno))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def kind_branches(path: Path) -> int:
    """How many ``isinstance`` calls in ``path`` test for a step class."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    hits = 0
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            names = {
                part.attr if isinstance(part, ast.Attribute) else part.id
                for part in ast.walk(node.args[1])
                if isinstance(part, (ast.Attribute, ast.Name))
            }
            hits += bool(names & STEP_CLASSES)
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "src" / "calfkit"))
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("--top", type=int, default=0)
    options = parser.parse_args()
    folder = Path(options.folder)
    every: list[tuple[int, str]] = []
    kinds: dict[str, int] = {}
    for path in sorted(folder.rglob("*.py")):
        shown = path.relative_to(folder).as_posix()
        every.extend((lines, f"{shown}:{line} {name}") for lines, name, line in functions(path))
        if shown != "model.py":
            hits = kind_branches(path)
            if hits:
                kinds[shown] = hits
    every.sort(reverse=True)
    over = [(lines, where) for lines, where in every if lines > options.limit]
    print(f"functions over {options.limit} lines: {len(over)} (of {len(every)})")
    for lines, where in over:
        print(f"  {lines:4d}  {where}")
    if options.top:
        print(f"the {options.top} longest:")
        for lines, where in every[: options.top]:
            print(f"  {lines:4d}  {where}")
    print(f"isinstance calls on a step class outside model.py: {sum(kinds.values())}")
    for shown, hits in sorted(kinds.items()):
        print(f"  {hits:4d}  {shown}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
