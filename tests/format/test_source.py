"""Reading YAML into positioned nodes: YAML 1.2 scalars, refusals, limits and speed."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import pytest
import yaml

from calfkit import library
from calfkit.format import source, spec
from calfkit.format.source import MapNode, ScalarNode, SeqNode, parse_bytes, plain_data, read_source


def parse(text: str) -> source.Source:
    return parse_bytes(text.encode("utf-8"), "r.yaml")


def messages(text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return [problem.format() for problem in parse_bytes(data, "r.yaml").problems.final()]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("1:30", "1:30"),
        ("010", 10),
        ("0o17", 15),
        ("0x1F", 31),
        ("-7", -7),
        ("+3", 3),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("45s", "45s"),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
    ],
)
def test_plain_scalars_resolve_the_yaml_1_2_core_way(text: str, value: object) -> None:
    assert source.resolve_plain(text) == value
    assert type(source.resolve_plain(text)) is type(value)


def test_not_a_number_resolves_to_nan() -> None:
    assert math.isnan(source.resolve_plain(".nan"))  # type: ignore[arg-type]


def test_quoted_scalars_are_always_text() -> None:
    root = parse("a: '010'\nb: \"true\"\nc: 'null'\nd: |\n  5\n").root
    assert root is not None
    assert [(key.value, value.value) for key, value in root.pairs] == [  # type: ignore[union-attr]
        ("a", "010"),
        ("b", "true"),
        ("c", "null"),
        ("d", "5\n"),
    ]


def test_every_key_and_value_keeps_its_line_and_column() -> None:
    root = parse("title: T\nsteps:\n  - do: x\n    duration: 4s\n").root
    assert isinstance(root, MapNode)
    (title_key, title), (steps_key, steps) = root.pairs
    assert (title_key.position.line, title_key.position.column) == (1, 1)
    assert (title.position.line, title.position.column) == (1, 8)
    assert (steps_key.position.line, steps_key.position.column) == (2, 1)
    assert isinstance(steps, SeqNode)
    (step,) = steps.items
    assert isinstance(step, MapNode)
    (do_key, do), (duration_key, duration) = step.pairs
    assert (do_key.position.line, do_key.position.column) == (3, 5)
    assert (do.position.line, do.position.column) == (3, 9)
    assert (duration_key.position.line, duration_key.position.column) == (4, 5)
    assert isinstance(duration, ScalarNode)
    assert (duration.position.line, duration.position.column) == (4, 15)
    assert duration.position.path == "r.yaml"


def test_windows_line_endings_and_a_byte_order_mark_keep_positions_right() -> None:
    root = parse("\ufefftitle: T\r\nsteps:\r\n  - rest: 5\r\n").root
    assert isinstance(root, MapNode)
    _, steps = root.pairs[1]
    assert isinstance(steps, SeqNode)
    step = steps.items[0]
    assert (step.position.line, step.position.column) == (3, 5)


def test_a_duplicate_key_is_reported_at_its_second_occurrence_and_the_first_is_kept() -> None:
    parsed = parse("a: 1\nb: 2\na: 3\nb: 4\n")
    assert [p.format() for p in parsed.problems.final()] == [
        "r.yaml:3:1: error: duplicate key 'a' (first given at line 1, column 1)",
        "r.yaml:4:1: error: duplicate key 'b' (first given at line 2, column 1)",
    ]
    assert plain_data(parsed.root) == {"a": 1, "b": 2}  # type: ignore[arg-type]


def test_keys_are_duplicates_by_value_whatever_their_quoting() -> None:
    assert messages("a: 1\n'a': 2\n") == [
        "r.yaml:2:1: error: duplicate key 'a' (first given at line 1, column 1)"
    ]


def test_a_key_that_is_a_list_or_mapping_is_refused() -> None:
    assert messages("? [a, b]\n: 1\nc: 2\n") == [
        "r.yaml:1:3: error: a key must be plain text, not a list"
    ]


def test_anchors_and_aliases_are_refused_where_they_are_written() -> None:
    assert messages("a: &x [1, 2]\nb: *x\n") == [
        "r.yaml:1:4: error: anchors (&x) are not supported; write each value out in full",
        "r.yaml:2:4: error: aliases (*x) are not supported; write the value out",
    ]


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 30):
        aliases = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    started = time.perf_counter()
    parsed = parse("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    # 10**30 items if expanded; instead, one problem per anchor and per alias as written.
    assert len(parsed.problems) == 30 + 29 * 10


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system"),
        ("a: !!str 5\n", "!!str"),
        ("a: !foo bar\n", "!foo"),
        ("a: ! bar\n", "!"),
        ("a: !<tag:example.com,2000:x> bar\n", "tag:example.com,2000:x"),
        ("a: !!map {b: 1}\n", "!!map"),
    ],
)
def test_any_explicit_tag_is_refused(text: str, shown: str) -> None:
    assert messages(text) == [
        f"r.yaml:1:4: error: YAML tags ({shown}) are not supported; remove the tag"
    ]


def test_nothing_is_constructed_from_a_python_tag(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
    parsed = parse(text)
    assert parsed.root is not None
    _, value = parsed.root.pairs[0]
    assert isinstance(value, SeqNode) and value.broken
    assert not marker.exists()


def test_deep_flow_nesting_stops_at_the_depth_limit_before_any_recursion() -> None:
    depth = 100_000
    started = time.perf_counter()
    problems = messages("a: " + "[" * depth + "]" * depth + "\n")
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    assert problems == [
        f"r.yaml:1:{3 + source.MAX_DEPTH}: error: lists and mappings are nested more than "
        f"{source.MAX_DEPTH} levels deep"
    ]


def test_deep_block_nesting_stops_at_the_depth_limit() -> None:
    text = "".join(f"{' ' * i}k{i}:\n" for i in range(200)) + " " * 200 + "x\n"
    (problem,) = parse(text).problems.final()
    assert problem.message.startswith("lists and mappings are nested more than")
    assert problem.position.line == source.MAX_DEPTH + 1


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = source.MAX_DEPTH - 1  # the top-level mapping is one level
    parsed = parse("a: " + "[" * depth + "1" + "]" * depth + "\n")
    assert list(parsed.problems) == []


def test_invalid_utf8_is_reported_at_the_first_bad_byte() -> None:
    assert messages(b"title: ok\nsteps: caf\xc3\xa9 \xe9t\xe9\n") == [
        "r.yaml:2:13: error: the file is not UTF-8 text: byte 0xe9 cannot be decoded"
    ]


def test_utf16_is_not_utf8() -> None:
    data = "title: T\n".encode("utf-16")
    assert messages(data) == [
        "r.yaml:1:1: error: the file is UTF-16 text, not UTF-8; save it as UTF-8"
    ]


def test_a_forbidden_character_is_placed_by_character_not_byte() -> None:
    assert messages("title: ééé\nsteps: a\x07\n") == [
        "r.yaml:2:9: error: invalid YAML: character '\\x07' is not allowed in a YAML file"
    ]


def test_a_parser_context_at_the_same_place_is_not_repeated() -> None:
    assert messages("a: [") == [
        "r.yaml:2:1: error: invalid YAML: did not find expected node content "
        "(while parsing a flow node)"
    ]


def test_malformed_yaml_gives_the_parsers_message_and_place() -> None:
    (problem,) = parse("a: [1, 2\nb: 3\n").problems.final()
    assert problem.message.startswith("invalid YAML: ")
    assert (problem.position.line, problem.position.column) == (2, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "r.yaml:1:1: error: the file is empty; a routine needs at least 'title' and 'steps'"),
        (
            "  \n\n",
            "r.yaml:1:1: error: the file is empty; a routine needs at least 'title' and 'steps'",
        ),
        (
            "# nothing\n",
            "r.yaml:1:1: error: the file has only comments; "
            "a routine needs at least 'title' and 'steps'",
        ),
        (
            "---\n",
            "r.yaml:2:1: error: the top level must be a mapping with keys like 'title' and "
            "'steps'; found nothing",
        ),
        (
            "\n\n- a\n",
            "r.yaml:3:1: error: the top level must be a mapping with keys like 'title' and "
            "'steps'; found a list",
        ),
        (
            "42\n",
            "r.yaml:1:1: error: the top level must be a mapping with keys like 'title' and "
            "'steps'; found 42",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "r.yaml:2:1: error: a routine file holds one YAML document; found a second one",
        ),
    ],
)
def test_files_that_are_not_one_mapping_are_refused(text: str, message: str) -> None:
    assert messages(text) == [message]


def test_a_file_at_the_size_limit_reads_without_problems(tmp_path: Path) -> None:
    step = "  - do: Rise slowly onto the balls of your feet, then lower.\n    duration: 4s\n"
    head = "title: Big\nsteps:\n"
    text = head + step * ((source.MAX_FILE_BYTES - len(head)) // len(step))
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    assert source.MAX_FILE_BYTES - 200 < path.stat().st_size <= source.MAX_FILE_BYTES
    started = time.perf_counter()
    parsed = read_source(path)
    elapsed = time.perf_counter() - started
    assert list(parsed.problems) == []
    assert elapsed < 10.0  # a hang guard; speed is in bench/load.py


def test_a_flow_list_of_tiny_items_at_the_size_limit_is_read(tmp_path: Path) -> None:
    head = "title: Big\ntags: ["
    count = (source.MAX_FILE_BYTES - len(head) - 10) // 3
    path = tmp_path / "tags.yaml"
    path.write_text(head + "a, " * count + "a]\n", encoding="utf-8")
    started = time.perf_counter()
    parsed = read_source(path)
    assert time.perf_counter() - started < 10.0  # a hang guard; speed is in bench/load.py
    assert list(parsed.problems) == []


def test_the_size_limit_is_256_kibibytes_declared_once_in_the_spec() -> None:
    assert source.MAX_FILE_BYTES is spec.MAX_FILE_BYTES == 262144
    assert spec.LIMITS["max_file_bytes"] == 262144


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    head = b"title: Full\nsteps:\n- rest: 1\n"
    path.write_bytes(head + b"#" * (source.MAX_FILE_BYTES - len(head) - 1) + b"\n")
    assert path.stat().st_size == source.MAX_FILE_BYTES
    assert list(read_source(path).problems) == []
    path.write_bytes(path.read_bytes() + b"\n")
    assert read_source(path).problems.final()[0].message.startswith("the file is larger")


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "over.yaml"
    path.write_bytes(b"#" * source.MAX_FILE_BYTES + b"\n")
    assert [p.format() for p in read_source(path).problems.final()] == [
        f"{path}:1:1: error: the file is larger than 256 KiB (262144 bytes); "
        "routine files must be smaller"
    ]


def test_plain_data_matches_what_a_yaml_1_2_reader_would_give() -> None:
    parsed = parse("a: [1, no, '2']\nb: {c: 1:30, d: ~}\n")
    assert plain_data(parsed.root) == {"a": [1, "no", "2"], "b": {"c": "1:30", "d": None}}  # type: ignore[arg-type]


def test_the_pure_python_parser_gives_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "title: T\nsteps:\n  - do: x\n    duration: 1:30\n  - rest: 010\n"
    with_libyaml = parse(text)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    pure = parse(text)
    assert plain_data(pure.root) == plain_data(with_libyaml.root)  # type: ignore[arg-type]
    assert list(pure.problems) == list(with_libyaml.problems) == []


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_a_file_saved_as_utf16_or_utf32_is_named_as_such(
    tmp_path: Path, encoding: str, named: str
) -> None:
    # Windows Notepad's "Unicode" is UTF-16: "byte 0xff cannot be decoded" did not say so.
    path = tmp_path / "wide.yaml"
    path.write_bytes("title: Wide\nsteps:\n- rest: 1\n".encode(encoding))
    assert [p.format() for p in read_source(path).problems.final()] == [
        f"{path}:1:1: error: the file is {named} text, not UTF-8; save it as UTF-8"
    ]


def test_a_utf8_file_with_a_byte_order_mark_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("title: Bom\nsteps:\n- rest: 1\n".encode("utf-8-sig"))
    source = read_source(path)
    assert source.root is not None
    assert list(source.problems) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_being_opened_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (problem,) = library.check(fifo)  # on main this blocks for ever
    assert problem.format() == (
        f"{fifo}:1:1: error: cannot read the file: "
        "not a regular file (a FIFO, a device or a socket)"
    )
