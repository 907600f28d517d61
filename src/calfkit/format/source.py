"""Reading a routine file into a small tree of YAML nodes that remember file:line:col.

PyYAML's composer and constructors are not used: they recurse once per nesting level,
expand aliases, keep the last of two duplicate keys and build objects from tags. Instead
this module drives the event parser (libyaml's when present) and builds the tree itself,
in a loop, with a bounded depth. Anchors, aliases and explicit tags are refused; nothing is
constructed or executed. Plain scalars are resolved the YAML 1.2 core way, so ``no`` is
text, ``1:30`` is text and ``010`` is ten.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, cast

from calfkit.errors import Position, Problem, ProblemList
from calfkit.format.spec import MAX_FILE_BYTES

if TYPE_CHECKING:
    import yaml

# Lists and mappings inside one another. A valid routine needs about 20 (eight levels of
# repeat/sides/routine, each a step mapping holding a list); the cap only has to stop a
# hostile file long before anything recursive could notice it.
MAX_DEPTH = 64

Scalar = str | int | float | bool | None


class _Located:
    """Where a node starts. The Position is built only when asked for: most nodes never are."""

    __slots__ = ("broken", "column", "line", "path")

    def __init__(self, path: str, line: int, column: int) -> None:
        self.path = path
        self.line = line
        self.column = column
        # True when a problem was already reported here (a tag, an alias): checks skip it.
        self.broken = False

    @property
    def position(self) -> Position:
        return Position(self.path, self.line, self.column)


class ScalarNode(_Located):
    """A scalar as read: its resolved value, its text as written, and whether it was plain."""

    __slots__ = ("plain", "text", "value")

    def __init__(
        self, value: Scalar, text: str, plain: bool, path: str, line: int, column: int
    ) -> None:
        # Not super().__init__(): this runs once per scalar in the file, and the call costs.
        self.path = path
        self.line = line
        self.column = column
        self.broken = False
        self.value = value
        self.text = text
        self.plain = plain


class SeqNode(_Located):
    """A YAML list."""

    __slots__ = ("items",)

    def __init__(self, path: str, line: int, column: int) -> None:
        # Not super().__init__(): one of these per step in a long list, and the call costs.
        self.path = path
        self.line = line
        self.column = column
        self.broken = False
        self.items: list[Node] = []


class MapNode(_Located):
    """A YAML mapping: (key, value) pairs in file order, duplicates already removed."""

    __slots__ = ("pairs",)

    def __init__(self, path: str, line: int, column: int) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.broken = False
        self.pairs: list[tuple[ScalarNode, Node]] = []

    def get(self, key: str) -> tuple[ScalarNode, Node] | None:
        for pair in self.pairs:
            if pair[0].value == key:
                return pair
        return None


Node = ScalarNode | SeqNode | MapNode


class Source:
    """A routine file as read: its bytes, its node tree (if it could be read) and the problems."""

    __slots__ = ("data", "path", "problems", "root")

    def __init__(self, path: str, data: bytes, root: MapNode | None, problems: ProblemList) -> None:
        self.path = path
        self.data = data
        self.root = root
        self.problems = problems

    @property
    def failed(self) -> bool:
        """Whether reading found an error (a file with only warnings still loads)."""
        return any(problem.severity.value == "error" for problem in self.problems)


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


# First characters of every plain scalar that resolves to something other than text.
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")


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
            try:
                return int(text)
            except ValueError:  # past Python's digit limit (4300): read it as the huge number
                return -math.inf if text.startswith("-") else math.inf
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
    """Read and parse a routine file; never raises for bad input, only records problems.

    Nothing is read before the file is known to be a regular file within the size limit: a
    FIFO would block for ever, and a 2 GB file must not be read to be refused.
    """
    shown = str(path)
    start = Position(shown, 1, 1)
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except TooLarge:
        message = (
            f"the file is larger than {MAX_FILE_BYTES // 1024} KiB ({MAX_FILE_BYTES} bytes); "
            "routine files must be smaller"
        )
        return Source(shown, b"", None, _only(Problem(start, message)))
    except OSError as error:
        return Source(shown, b"", None, _only(Problem(start, cannot_read(error))))
    return parse_bytes(data, shown)


class TooLarge(Exception):
    """A routine file is larger than :data:`MAX_FILE_BYTES`."""


class NotRegular(OSError):
    """A path that is not a regular file (a FIFO, a device, a socket)."""


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # not on Windows, which has no FIFOs to block on
_BINARY = getattr(os, "O_BINARY", 0)


def read_limited(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit`` of them: raises TooLarge, NotRegular, OSError.

    Opened without blocking (a FIFO opens at once), then checked on the open file, so what is
    checked is what is read.
    """
    descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    with open(descriptor, "rb", closefd=True) as file:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(status.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file", str(path))
        if status.st_size > limit:
            raise TooLarge(str(path))
        data = file.read(limit + 1)
    if len(data) > limit:  # grew since the check
        raise TooLarge(str(path))
    return data


def os_reason(error: OSError) -> str:
    """What an OSError means for a routine file, in a few words."""
    if isinstance(error, NotRegular):
        return "not a regular file (a FIFO, a device or a socket)"
    reasons = {
        errno.ENOENT: "no such file",
        errno.EISDIR: "is a directory, not a routine file",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENAMETOOLONG: "name too long",
        errno.ELOOP: "a loop of symbolic links",
        errno.ENOTDIR: "a part of the path is not a folder",
    }
    return reasons.get(error.errno or 0) or error.strerror or str(error)


def cannot_read(error: OSError) -> str:
    """The problem message for a routine file that cannot be read."""
    reason = os_reason(error)
    if error.errno in (errno.ENOENT, errno.EISDIR) and not isinstance(error, NotRegular):
        return reason
    return f"cannot read the file: {reason}"


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a while (back on after, if it was on).

    Reading and checking a file at the size limit makes tens of thousands of small objects,
    none of them garbage: the collector would rescan them again and again for nothing (a
    third of the time a long file takes to load). Reference counting still frees what is dropped.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _only(problem: Problem) -> ProblemList:
    problems = ProblemList()
    problems.append(problem)
    return problems


def parse_bytes(data: bytes, path: str) -> Source:
    """Decode (strict UTF-8) and parse a routine file's bytes."""
    wide = _wide_encoding(data)
    if wide is not None:
        # Saved as UTF-16 (Windows Notepad's "Unicode") or UTF-32: every other byte is 0.
        message = f"the file is {wide} text, not UTF-8; save it as UTF-8"
        return Source(path, data, None, _only(Problem(Position(path, 1, 1), message)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_offset_to_line_col(data, error.start)
        bad = data[error.start]
        message = f"the file is not UTF-8 text: byte 0x{bad:02x} cannot be decoded"
        return Source(path, data, None, _only(Problem(Position(path, line, column), message)))
    root, problems = parse_text(text, path, data)
    return Source(path, data, root, problems)


def _wide_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when the bytes are plainly one of those (a byte order mark, or
    the zero bytes that ASCII text has in them), else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:64]
    if len(head) >= 8 and head.count(0) * 2 >= len(head):  # ASCII as UTF-16: "t\0i\0t\0..."
        return "UTF-32" if b"\x00\x00\x00" in head else "UTF-16"
    return None


def _byte_offset_to_line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _char_offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class _Mark(Protocol):
    line: int
    column: int


class _Event(Protocol):
    """A PyYAML parser event, with every attribute the reader looks at (not all events have
    all of them; the reader asks only the ones the event's class has)."""

    start_mark: _Mark
    value: str
    style: str | None
    anchor: str | None
    tag: str | None


class _Parser(Protocol):
    def get_event(self) -> _Event: ...

    def dispose(self) -> None: ...


_LoaderClass = Callable[[str], object]


class _Stop(Exception):
    """Reading cannot go on (too deep, a second document); the problem is already recorded."""


def parse_text(
    text: str, path: str, data: bytes | None = None
) -> tuple[MapNode | None, ProblemList]:
    """Parse YAML text into a node tree whose top level must be a mapping.

    ``data`` is the text's UTF-8 bytes, used to place libyaml's reader errors (which count
    bytes). Returns the root (None when the file cannot be read as a routine at all) and
    every problem found while reading.
    """
    import yaml

    loader_class: _LoaderClass = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    root, problems, stopped_by_libyaml = _parse_with(loader_class, text, path, data)
    if stopped_by_libyaml:
        # libyaml (from 0.2.6, as bundled with PyYAML 6.0.4) refuses nesting past 1000 levels
        # in its scanner, which reads ahead of the events: on a line of '[[[[...' it stops
        # before calfkit's own, much lower, bound is ever reached. PyYAML's pure-Python parser
        # gives the same events without that limit, so read the file again with it and let
        # calfkit's bound report the place where the nesting first passes it.
        root, problems, _ = _parse_with(yaml.SafeLoader, text, path, data)
    return root, problems


def _is_nesting_limit(error: yaml.YAMLError) -> bool:
    """Whether a YAML error is a parser's own nesting limit (libyaml's 'maximum nesting depth')."""
    return "nesting depth" in str(getattr(error, "problem", "") or "")


def _parse_with(
    loader_class: _LoaderClass, text: str, path: str, data: bytes | None
) -> tuple[MapNode | None, ProblemList, bool]:
    """Parse with one PyYAML loader class; the flag says its own nesting limit stopped it."""
    import yaml

    reader = _TreeReader(path)
    # The loader's event interface, as this module uses it (see _Parser).
    parser = cast(_Parser, loader_class(text))
    # Hundreds of thousands of small nodes, none of them garbage: the cyclic collector would
    # rescan them again and again for nothing (a fifth of the time for a 1 MiB file).
    try:
        with no_gc():
            try:
                reader.read(parser)
            finally:
                parser.dispose()
    except _Stop:
        root = reader.root
        return (root if isinstance(root, MapNode) else None), reader.problems, False
    except yaml.MarkedYAMLError as error:
        if _is_nesting_limit(error) and loader_class is not yaml.SafeLoader:
            return None, reader.problems, True
        if _is_nesting_limit(error):
            # A parser of the future with its own limit, even in pure Python: calfkit's
            # message, at the place the parser stopped.
            message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep"
            where = _yaml_error_problem(error, path).position
            reader.problems.append(Problem(where, message))
            return None, reader.problems, False
        reader.problems.append(_yaml_error_problem(error, path))
        return None, reader.problems, False
    except yaml.reader.ReaderError as error:
        if loader_class is not yaml.SafeLoader:  # libyaml counts bytes, PyYAML characters
            raw = data if data is not None else text.encode("utf-8")
            line, column = _byte_offset_to_line_col(raw, error.position)
        else:
            line, column = _char_offset_to_line_col(text, error.position)
        character = chr(error.character) if isinstance(error.character, int) else error.character
        message = f"invalid YAML: character {character!r} is not allowed in a YAML file"
        reader.problems.append(Problem(Position(path, line, column), message))
        return None, reader.problems, False
    except yaml.YAMLError as error:
        reader.problems.append(Problem(Position(path, 1, 1), f"invalid YAML: {error}"))
        return None, reader.problems, False

    problems = reader.problems
    root = reader.root
    if reader.documents == 0:
        what = "is empty" if not text.strip() else "has only comments"
        needs = "a routine needs at least 'title' and 'steps'"
        problems.append(Problem(Position(path, 1, 1), f"the file {what}; {needs}"))
        return None, problems, False
    if not isinstance(root, MapNode):
        assert root is not None
        expected = "the top level must be a mapping with keys like 'title' and 'steps'"
        problems.append(Problem(root.position, f"{expected}; found {describe(root)}"))
        return None, problems, False
    return root, problems, False


class _TreeReader:
    """Builds the node tree from parser events in one loop; no recursion, bounded depth.

    The loop is the hot path for a file at the size limit (tens of thousands of events), so
    it tests event classes by identity and builds positions only for problems.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems = ProblemList()
        self.root: Node | None = None
        self.documents = 0
        # Open containers, innermost last; for each, the mapping key waiting for its value
        # and the keys seen so far (for duplicates).
        self.stack: list[SeqNode | MapNode] = []
        self.pending_keys: list[ScalarNode | None] = []
        self.seen_keys: list[dict[object, ScalarNode]] = []

    def read(self, parser: _Parser) -> None:
        import yaml

        scalar_event = yaml.ScalarEvent
        mapping_start = yaml.MappingStartEvent
        sequence_start = yaml.SequenceStartEvent
        mapping_end = yaml.MappingEndEvent
        sequence_end = yaml.SequenceEndEvent
        path = self.path
        stack = self.stack
        pending_keys = self.pending_keys
        seen_keys = self.seen_keys
        maybe_not_text = _MAYBE_NOT_TEXT
        scalar_node = ScalarNode
        seq_node = SeqNode
        get_event = parser.get_event
        while True:
            event = get_event()
            kind: type[object] = type(event)
            node: Node
            if kind is scalar_event:
                mark = event.start_mark
                raw = event.value
                if event.style:
                    node = scalar_node(raw, raw, False, path, mark.line + 1, mark.column + 1)
                elif raw and raw[0] not in maybe_not_text:
                    node = scalar_node(raw, raw, True, path, mark.line + 1, mark.column + 1)
                else:
                    value = resolve_plain(raw)
                    node = scalar_node(value, raw, True, path, mark.line + 1, mark.column + 1)
                    if type(value) is float and math.isinf(value) and not _INF.match(raw):
                        self.too_large(node)
                if event.anchor is not None or event.tag is not None:
                    self.refuse_anchor_and_tag(event, node)
            elif kind is mapping_end or kind is sequence_end:
                node = stack.pop()
                pending_keys.pop()
                seen_keys.pop()
            elif kind is mapping_start or kind is sequence_start:
                self.open(event, kind is mapping_start)
                continue
            elif kind is yaml.AliasEvent:
                self.alias(event)
                continue
            elif kind is yaml.StreamEndEvent:
                return
            else:
                if kind is yaml.DocumentStartEvent:
                    self.document(event)
                continue
            # ``node`` (a scalar, or a list or mapping just ended) is finished: put it in place.
            if not stack:
                self.root = node
                continue
            parent = stack[-1]
            if type(parent) is seq_node:
                parent.items.append(node)
                continue
            key = pending_keys[-1]
            if key is None:
                if isinstance(node, ScalarNode):
                    pending_keys[-1] = node  # a key: its value comes next
                else:
                    self.refuse_key(node)
                continue
            # ``node`` is the value of ``key`` in the mapping ``parent``.
            pending_keys[-1] = None
            if key is _UNUSABLE_KEY:
                continue
            key_value = key.value
            # 1 and "1" (and True, 1.0) are different keys; text, the usual case, is itself.
            identity = (
                key_value if type(key_value) is str else (type(key_value).__name__, key_value)
            )
            seen = seen_keys[-1]
            if identity in seen:
                self.duplicate(key, seen[identity])
                continue
            seen[identity] = key
            parent.pairs.append((key, node))  # type: ignore[union-attr]

    def open(self, event: _Event, mapping: bool) -> None:
        """A mapping or a list begins: it is the innermost open container until it ends."""
        mark = event.start_mark
        path = self.path
        if len(self.stack) >= MAX_DEPTH:
            message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep"
            self.problems.append(Problem(Position(path, mark.line + 1, mark.column + 1), message))
            raise _Stop
        container: SeqNode | MapNode
        if mapping:
            container = MapNode(path, mark.line + 1, mark.column + 1)
        else:
            container = SeqNode(path, mark.line + 1, mark.column + 1)
        if event.anchor is not None or event.tag is not None:
            self.refuse_anchor_and_tag(event, container)
        self.stack.append(container)
        self.pending_keys.append(None)
        self.seen_keys.append({})

    def alias(self, event: _Event) -> None:
        """An alias (``*name``): refused, and put in place as a broken node."""
        mark = event.start_mark
        alias = ScalarNode(
            None, "*" + str(event.anchor), False, self.path, mark.line + 1, mark.column + 1
        )
        alias.broken = True
        message = f"aliases (*{event.anchor}) are not supported; write the value out"
        self.problems.append(Problem(alias.position, message))
        self.add(alias)

    def document(self, event: _Event) -> None:
        """A document begins: a second one is refused."""
        self.documents += 1
        if self.documents > 1:
            mark = event.start_mark
            message = "a routine file holds one YAML document; found a second one"
            self.problems.append(
                Problem(Position(self.path, mark.line + 1, mark.column + 1), message)
            )
            raise _Stop

    def add(self, node: Node) -> None:
        """Put a finished node into its parent: a list item, a mapping key, or its value."""
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, SeqNode):
            parent.items.append(node)
            return
        key = self.pending_keys[-1]
        if key is None:
            if isinstance(node, ScalarNode):
                self.pending_keys[-1] = node
            else:
                self.refuse_key(node)
            return
        self.pending_keys[-1] = None
        if key is _UNUSABLE_KEY:
            return
        key_value = key.value
        identity = key_value if type(key_value) is str else (type(key_value).__name__, key_value)
        first = self.seen_keys[-1].get(identity)
        if first is not None:
            self.duplicate(key, first)
            return
        self.seen_keys[-1][identity] = key
        parent.pairs.append((key, node))

    def refuse_key(self, node: SeqNode | MapNode) -> None:
        """A list or mapping where a mapping key should be: report it, skip its value."""
        kind = "list" if isinstance(node, SeqNode) else "mapping"
        self.problems.append(Problem(node.position, f"a key must be plain text, not a {kind}"))
        self.pending_keys[-1] = _UNUSABLE_KEY

    def too_large(self, node: ScalarNode) -> None:
        """A number too large to be read (4,301 digits, 1e400): say so, and skip the value."""
        node.broken = True
        size = f" ({len(node.text):,} digits)" if len(node.text) > 40 else ""
        message = f"the number {_short_number(node.text)}{size} is too large"
        self.problems.append(Problem(node.position, message))

    def duplicate(self, key: ScalarNode, first: ScalarNode) -> None:
        if self.problems.full:  # a mapping of 200,000 copies of one key stays quick
            self.problems.drop()
            return
        where = f"line {first.line}, column {first.column}"
        self.problems.append(
            Problem(key.position, f"duplicate key {_show_key(key)} (first given at {where})")
        )

    def refuse_anchor_and_tag(self, event: _Event, node: Node) -> None:
        if event.anchor is not None:
            message = f"anchors (&{event.anchor}) are not supported; write each value out in full"
            self.problems.append(Problem(node.position, message))
        if event.tag is not None:
            message = f"YAML tags ({_show_tag(event.tag)}) are not supported; remove the tag"
            self.problems.append(Problem(node.position, message))
            node.broken = True


_UNUSABLE_KEY = ScalarNode(None, "", False, "", 0, 0)


def _show_key(key: ScalarNode) -> str:
    return quoted(key.text)


def quoted(text: str, limit: int = 40) -> str:
    """Text from the file as a message shows it: quoted, escaped, and cut if long."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def _show_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _yaml_error_problem(error: yaml.MarkedYAMLError, path: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path, 1, 1)
    message = f"invalid YAML: {error.problem or 'cannot be read'}"
    if error.context:
        context = str(error.context)
        where = error.context_mark
        here = (mark.line, mark.column) if mark else (0, 0)
        if where is not None and (where.line, where.column) != here:
            context += f" at line {where.line + 1}, column {where.column + 1}"
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
        return _short_number(node.text)
    return quoted(value)


def _short_number(text: str) -> str:
    """A number as a message shows it: whole if short, else its start and end."""
    return text if len(text) <= 40 else f"{text[:18]}…{text[-18:]}"


PlainData = dict[Scalar, "PlainData"] | list["PlainData"] | Scalar
"""A node tree as plain Python data."""


def plain_data(node: Node) -> PlainData:
    """The node tree as plain Python data (dicts, lists, scalars), read the YAML 1.2 way.

    For tools that want data rather than positions, such as checking a file against the
    JSON Schema. Recursion is safe: the tree is at most MAX_DEPTH deep.
    """
    if isinstance(node, MapNode):
        return {key.value: plain_data(value) for key, value in node.pairs}
    if isinstance(node, SeqNode):
        return [plain_data(item) for item in node.items]
    return node.value
