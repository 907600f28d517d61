"""Reading a routine file into a small tree of YAML nodes that remember file:line:col.

PyYAML's composer and constructors are not used: they recurse once per nesting level,
expand aliases, keep the last of two duplicate keys and build objects from tags. Instead
this module drives the event parser (libyaml's when present) and builds the tree itself,
in a loop, with a bounded depth. Anchors, aliases and explicit tags are refused; nothing is
constructed or executed. Plain scalars are resolved the YAML 1.2 core way, so ``no`` is
text, ``1:30`` is text and ``010`` is ten.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from calfkit.errors import Position, Problem

if TYPE_CHECKING:
    import os

MAX_FILE_BYTES = 1024 * 1024
# Lists and mappings inside one another. A valid routine needs about 20 (eight levels of
# repeat/sides/routine, each a step mapping holding a list); the cap only has to stop a
# hostile file long before anything recursive could notice it.
MAX_DEPTH = 64

Scalar = str | int | float | bool | None


class ScalarNode:
    """A scalar as read: its resolved value, its text as written, and whether it was quoted."""

    __slots__ = ("broken", "plain", "position", "text", "value")

    def __init__(self, value: Scalar, text: str, plain: bool, position: Position) -> None:
        self.value = value
        self.text = text
        self.plain = plain
        self.position = position
        # True when a problem was already reported here (a tag, an alias): checks skip it.
        self.broken = False


class SeqNode:
    """A YAML list."""

    __slots__ = ("broken", "items", "position")

    def __init__(self, position: Position) -> None:
        self.items: list[Node] = []
        self.position = position
        self.broken = False


class MapNode:
    """A YAML mapping: (key, value) pairs in file order, duplicates already removed."""

    __slots__ = ("broken", "pairs", "position")

    def __init__(self, position: Position) -> None:
        self.pairs: list[tuple[ScalarNode, Node]] = []
        self.position = position
        self.broken = False

    def get(self, key: str) -> tuple[ScalarNode, Node] | None:
        for pair in self.pairs:
            if pair[0].value == key:
                return pair
        return None


Node = ScalarNode | SeqNode | MapNode


@dataclass
class Source:
    """A routine file as read: its bytes, its node tree (if it could be read) and the problems."""

    path: str
    data: bytes
    root: MapNode | None
    problems: list[Problem] = field(default_factory=list)


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")


def resolve_plain(text: str) -> Scalar:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT10.match(text):
            return int(text)
        if _INT8.match(text):
            return int(text[2:], 8)
        if _INT16.match(text):
            return int(text[2:], 16)
        if _FLOAT.match(text):
            return float(text)
        if _INF.match(text):
            return -math.inf if text.startswith("-") else math.inf
        if _NAN.match(text):
            return math.nan
    return text


def read_source(path: str | os.PathLike[str]) -> Source:
    """Read and parse a routine file; never raises for bad input, only records problems."""
    shown = str(path)
    start = Position(shown, 1, 1)
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return Source(shown, b"", None, [Problem(start, "no such file")])
    except IsADirectoryError:
        return Source(shown, b"", None, [Problem(start, "is a directory, not a routine file")])
    except PermissionError:
        return Source(shown, b"", None, [Problem(start, "cannot read the file: permission denied")])
    except OSError as error:
        reason = error.strerror or str(error)
        return Source(shown, b"", None, [Problem(start, f"cannot read the file: {reason}")])
    if len(data) > MAX_FILE_BYTES:
        message = (
            f"the file is larger than 1 MiB ({MAX_FILE_BYTES} bytes); routine files must be smaller"
        )
        return Source(shown, b"", None, [Problem(start, message)])
    return parse_bytes(data, shown)


def parse_bytes(data: bytes, path: str) -> Source:
    """Decode (strict UTF-8) and parse a routine file's bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_offset_to_line_col(data, error.start)
        bad = data[error.start]
        message = f"the file is not UTF-8 text: byte 0x{bad:02x} cannot be decoded"
        return Source(path, data, None, [Problem(Position(path, line, column), message)])
    root, problems = parse_text(text, path, data)
    return Source(path, data, root, problems)


def _byte_offset_to_line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _char_offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class _Stop(Exception):
    """Reading cannot go on (too deep, a second document); the problem is already recorded."""


def parse_text(
    text: str, path: str, data: bytes | None = None
) -> tuple[MapNode | None, list[Problem]]:
    """Parse YAML text into a node tree whose top level must be a mapping.

    ``data`` is the text's UTF-8 bytes, used to place libyaml's reader errors (which count
    bytes). Returns the root (None when the file cannot be read as a routine at all) and
    every problem found while reading.
    """
    import yaml

    loader_class: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    uses_libyaml = loader_class is not yaml.SafeLoader
    problems: list[Problem] = []

    def at(mark: Any) -> Position:
        return Position(path, mark.line + 1, mark.column + 1)

    root: Node | None = None
    # Open containers, innermost last; for a mapping, the key waiting for its value.
    stack: list[Node] = []
    pending_keys: list[ScalarNode | None] = []
    seen_keys: list[dict[tuple[str, Scalar], ScalarNode]] = []
    documents = 0
    root_position = Position(path, 1, 1)

    def add(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, SeqNode):
            parent.items.append(node)
            return
        assert isinstance(parent, MapNode)
        key = pending_keys[-1]
        if key is None:
            if isinstance(node, ScalarNode):
                pending_keys[-1] = node
            else:
                kind = "list" if isinstance(node, SeqNode) else "mapping"
                problems.append(Problem(node.position, f"a key must be plain text, not a {kind}"))
                pending_keys[-1] = _UNUSABLE_KEY
            return
        pending_keys[-1] = None
        if key is _UNUSABLE_KEY:
            return
        identity = (type(key.value).__name__, key.value)
        first = seen_keys[-1].get(identity)
        if first is not None:
            where = f"line {first.position.line}, column {first.position.column}"
            problems.append(
                Problem(key.position, f"duplicate key {_show_key(key)} (first given at {where})")
            )
            return
        seen_keys[-1][identity] = key
        parent.pairs.append((key, node))

    parser = loader_class(text)
    try:
        try:
            while parser.check_event():
                event = parser.get_event()
                if isinstance(event, yaml.ScalarEvent):
                    position = at(event.start_mark)
                    plain = event.style in (None, "")
                    value: Scalar = resolve_plain(event.value) if plain else event.value
                    scalar = ScalarNode(value, event.value, plain, position)
                    _refuse_anchor_and_tag(event, scalar, problems)
                    add(scalar)
                elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    position = at(event.start_mark)
                    if len(stack) >= MAX_DEPTH:
                        problems.append(
                            Problem(
                                position,
                                f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                            )
                        )
                        raise _Stop
                    container: Node
                    if isinstance(event, yaml.MappingStartEvent):
                        container = MapNode(position)
                    else:
                        container = SeqNode(position)
                    _refuse_anchor_and_tag(event, container, problems)
                    stack.append(container)
                    pending_keys.append(None)
                    seen_keys.append({})
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    done = stack.pop()
                    pending_keys.pop()
                    seen_keys.pop()
                    add(done)
                elif isinstance(event, yaml.AliasEvent):
                    position = at(event.start_mark)
                    problems.append(
                        Problem(
                            position,
                            f"aliases (*{event.anchor}) are not supported; write the value out",
                        )
                    )
                    alias = ScalarNode(None, "*" + str(event.anchor), False, position)
                    alias.broken = True
                    add(alias)
                elif isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents == 1:
                        root_position = at(event.start_mark)
                    else:
                        problems.append(
                            Problem(
                                at(event.start_mark),
                                "a routine file holds one YAML document; found a second one",
                            )
                        )
                        raise _Stop
        finally:
            parser.dispose()
    except _Stop:
        return (root if isinstance(root, MapNode) else None), problems
    except yaml.MarkedYAMLError as error:
        problems.append(_yaml_error_problem(error, path))
        return None, problems
    except yaml.reader.ReaderError as error:
        if uses_libyaml:
            raw = data if data is not None else text.encode("utf-8")
            line, column = _byte_offset_to_line_col(raw, error.position)
        else:
            line, column = _char_offset_to_line_col(text, error.position)
        character = chr(error.character) if isinstance(error.character, int) else error.character
        message = f"invalid YAML: character {character!r} is not allowed in a YAML file"
        problems.append(Problem(Position(path, line, column), message))
        return None, problems
    except yaml.YAMLError as error:
        problems.append(Problem(Position(path, 1, 1), f"invalid YAML: {error}"))
        return None, problems

    if documents == 0:
        what = "is empty" if not text.strip() else "has only comments"
        needs = "a routine needs at least 'title' and 'steps'"
        problems.append(Problem(root_position, f"the file {what}; {needs}"))
        return None, problems
    if not isinstance(root, MapNode):
        assert root is not None
        expected = "the top level must be a mapping with keys like 'title' and 'steps'"
        problems.append(Problem(root.position, f"{expected}; found {describe(root)}"))
        return None, problems
    return root, problems


_UNUSABLE_KEY = ScalarNode(None, "", False, Position("", 0, 0))


def _show_key(key: ScalarNode) -> str:
    return repr(key.text) if isinstance(key.value, str) else key.text


def _refuse_anchor_and_tag(event: Any, node: Node, problems: list[Problem]) -> None:
    position = Position(node.position.path, event.start_mark.line + 1, event.start_mark.column + 1)
    if event.anchor is not None:
        problems.append(
            Problem(
                position,
                f"anchors (&{event.anchor}) are not supported; write each value out in full",
            )
        )
    if event.tag is not None:
        problems.append(
            Problem(
                position, f"YAML tags ({_show_tag(event.tag)}) are not supported; remove the tag"
            )
        )
        node.broken = True


def _show_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _yaml_error_problem(error: Any, path: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path, 1, 1)
    message = f"invalid YAML: {error.problem or 'cannot be read'}"
    if error.context:
        context = str(error.context)
        if error.context_mark is not None and error.context_mark is not mark:
            cm = error.context_mark
            context += f" at line {cm.line + 1}, column {cm.column + 1}"
        message += f" ({context})"
    return Problem(position, message)


def describe(node: Node) -> str:
    """What a node is, for 'found ...' in messages."""
    if isinstance(node, MapNode):
        return "a mapping"
    if isinstance(node, SeqNode):
        return "a list"
    return describe_scalar(node)


def describe_scalar(node: ScalarNode) -> str:
    value = node.value
    if value is None:
        return "nothing" if node.text == "" else node.text
    if isinstance(value, bool):
        return node.text
    if isinstance(value, (int, float)):
        return node.text
    text = value if len(value) <= 40 else value[:37] + "..."
    return repr(text)


def plain_data(node: Node) -> Any:
    """The node tree as plain Python data (dicts, lists, scalars), read the YAML 1.2 way.

    For tools that want data rather than positions, such as checking a file against the
    JSON Schema. Recursion is safe: the tree is at most MAX_DEPTH deep.
    """
    if isinstance(node, MapNode):
        return {key.value: plain_data(value) for key, value in node.pairs}
    if isinstance(node, SeqNode):
        return [plain_data(item) for item in node.items]
    return node.value
