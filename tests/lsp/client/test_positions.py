"""Pure cores of the language-server client: position encodings, range edits, diagnostics diff."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lsp.client.diagnostics import introduced_diagnostics, line_shift
from lsp.client.documents import apply_change, minimal_change
from lsp.client.positions import from_server_character, split_lines, to_server_character
from lsp.client.results import parse_hover, parse_locations
from lsp.client.types import Diagnostic, DiagnosticSeverity, Position, Range

LINE = 'x = "😀é" + name'  # 😀 is outside the BMP: 2 UTF-16 units, 4 UTF-8 bytes


def test_character_offsets_in_each_encoding() -> None:
    index = LINE.index("name")
    assert to_server_character(LINE, index, "utf-32") == index
    assert to_server_character(LINE, index, "utf-16") == len(LINE[:index].encode("utf-16-le")) // 2
    assert to_server_character(LINE, index, "utf-8") == len(LINE[:index].encode("utf-8"))
    for encoding in ("utf-8", "utf-16", "utf-32"):
        offset = to_server_character(LINE, index, encoding)
        assert from_server_character(LINE, offset, encoding) == index


def test_offset_inside_a_character_maps_to_its_start_and_past_the_end_clamps() -> None:
    emoji = LINE.index("😀")
    inside_pair = to_server_character(LINE, emoji, "utf-16") + 1
    assert from_server_character(LINE, inside_pair, "utf-16") == emoji
    inside_bytes = to_server_character(LINE, emoji, "utf-8") + 2
    assert from_server_character(LINE, inside_bytes, "utf-8") == emoji
    assert from_server_character(LINE, 999, "utf-16") == len(LINE)


text_strategy = st.text(alphabet=st.sampled_from(list("ab \n\r\t😀é漢")), max_size=40)


@given(st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s), st.data())
def test_round_trip_any_line(line: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(line)))
    for encoding in ("utf-8", "utf-16", "utf-32"):
        assert from_server_character(line, to_server_character(line, index, encoding), encoding) == index


@given(text_strategy, text_strategy)
def test_minimal_change_turns_old_into_new(old: str, new: str) -> None:
    change = minimal_change(old, new)
    if old == new:
        assert change is None
    else:
        assert change is not None
        assert apply_change(old, change) == new


def test_split_lines_follows_lsp_line_breaks() -> None:
    assert split_lines("a\r\nb\rc\nd\n") == ["a", "b", "c", "d", ""]


def _diag(line: int, message: str, code: str | None = None) -> Diagnostic:
    return Diagnostic(Range(Position(line, 0), Position(line, 3)), DiagnosticSeverity.ERROR, message, "t", code)


def test_introduced_diagnostics_follow_shifted_lines() -> None:
    old = "a\nb\nc\nd\n"
    new = "a\nX\nY\nb\nc\nd\n"  # two lines inserted after line 0
    assert line_shift(old, new) == (1, 1, 2)
    before = [_diag(0, "top"), _diag(2, "c is wrong")]
    after = [_diag(0, "top"), _diag(4, "c is wrong"), _diag(1, "X undefined")]
    assert introduced_diagnostics(before, after, old, new) == [_diag(1, "X undefined")]


def test_introduced_diagnostics_count_duplicates_and_codes() -> None:
    text = "a\nb\n"
    before = [_diag(0, "same", "E1")]
    after = [_diag(0, "same", "E1"), _diag(0, "same", "E1"), _diag(0, "same", "E2")]
    assert introduced_diagnostics(before, after, text, text) == after[1:]


def test_result_shapes_location_link_and_marked_strings() -> None:
    def to_pos(uri: str, raw: dict[str, int]) -> Position:
        return Position(raw["line"], raw["character"])

    raw_range = {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 5}}
    links = [{"targetUri": "file:///w/a%20b.py", "targetRange": raw_range, "targetSelectionRange": raw_range}]
    assert parse_locations(links, to_pos)[0].path == "/w/a b.py"
    assert parse_locations(None, to_pos) == []
    assert parse_locations([{"uri": 3}], to_pos) == []
    hover = parse_hover({"contents": [{"language": "python", "value": "def f()"}, "doc"]}, "file:///w", to_pos)
    assert hover is not None and hover.text == "```python\ndef f()\n```\n\ndoc"
    assert parse_hover({"contents": ""}, "file:///w", to_pos) is None
