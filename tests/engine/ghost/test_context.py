"""Ghost text's own context: in-file definitions from tree-sitter, the lines after the cursor, chunks of other files
retrieved from the real index (never the file itself, never a secret, never waiting on a build)."""

from __future__ import annotations

from pathlib import Path

from context.search import code_tokens
from engine.ghost.context import StableContext, after_cursor, context_parts, local_definitions
from engine.ghost.retrieval import (
    CHUNK_LINES,
    MIN_COVERAGE,
    GhostRetriever,
    best_window,
    comments_only,
    coverage,
    retrieval_query,
    retrieve,
)
from engine.privacy import withheld
from engine.project import ProjectContext

HELPER = ('def parse_header(line, strict=True):\n    """Split a header line."""\n'
          '    name, _, value = line.partition(":")\n')
FILLER = "".join(f"def filler{i}():\n    return {i}\n\n" for i in range(40))  # 120 lines
MAIN = HELPER + "\n" + FILLER + "class Reader:\n    def read(self, lines):\n        out = []\n" \
    "        for line in lines:\n            name, value = parse_header(line)\n            out.append("


def test_definitions_used_near_the_cursor_and_its_scopes_come_from_the_buffer() -> None:
    row = MAIN.count("\n")
    items = local_definitions(MAIN, "pkg/reader.py", row, window_start=row - 2, head_lines=0)
    texts = [i.text for i in items]
    assert texts[0] == "class Reader:" and texts[1] == "    def read(self, lines):"  # outermost scope first
    assert texts[2].startswith("def parse_header(line, strict=True):\n") and "partition" in texts[2]
    assert all(i.source == "tree-sitter" and i.path == "pkg/reader.py" for i in items)


def test_definitions_the_prompt_shows_already_are_left_out() -> None:
    row = MAIN.count("\n")
    assert local_definitions(MAIN, "pkg/reader.py", row, window_start=0, head_lines=0) == []
    assert local_definitions(MAIN, "notes.txt", row, window_start=row, head_lines=0) == []  # no grammar


def test_after_cursor_is_the_next_non_blank_lines() -> None:
    assert after_cursor("x)\n\n    y = 1\n\n    return y\n") == "    y = 1\n    return y"
    assert after_cursor("") == ""


def test_context_parts_setting() -> None:
    assert context_parts("all") >= {"retrieved", "local", "after", "rules"}
    assert context_parts("none") == frozenset() and context_parts("local, after,bogus") == {"local", "after"}


def test_best_window_and_query() -> None:
    lines = [f"x{i} = {i}" for i in range(30)] + ["name = parse_header(line)", "value = name.strip()"]
    at = best_window(lines, set(code_tokens("parse_header name value")), 4, code_tokens)
    assert 28 <= at <= 30 and at + 4 > 31
    assert retrieval_query("a\n" * 20 + "b") == "a\n" * 7 + "b"


def workspace(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "headers.py").write_text(HELPER + "    return name.strip().lower(), value.strip()\n")
    (root / "pkg" / "reader.py").write_text(MAIN + "line)\n        return out\n")
    (root / ".env.py").write_text("def parse_header_secret(line):\n    return line  # parse_header\n")


def test_comment_only_and_barely_related_chunks_are_not_worth_retrieving() -> None:
    assert comments_only("# By #3, we want\n#\n#  y.n - y.o = x.n\n") and comments_only("  \n")
    assert not comments_only("# note\nreturn bound2\n")
    query = set(code_tokens("name, value = parse_header(line)"))
    assert coverage(HELPER, query, code_tokens) >= MIN_COVERAGE
    assert coverage("e0, e1 = self._orient\nreturn [(p0 + e1 * x, p1) for (x, y) in poly]", query,
                    code_tokens) < MIN_COVERAGE


async def test_retrieval_finds_other_files_never_the_file_itself_or_a_secret(tmp_path: Path) -> None:
    workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        index = await project.ready_index()
        assert index is not None
        found = await project.run(retrieve, index, "pkg/reader.py", "name, value = parse_header(line)",
                                  lambda p: not withheld(project.workspace, p))
        assert [i.path for i in found] == ["pkg/headers.py"]
        assert found[0].text.startswith("def parse_header") and found[0].text.count("\n") < CHUNK_LINES
    finally:
        await project.aclose()


async def test_ghost_retrieval_never_waits_for_the_index_and_keeps_its_chunks_while_typing(tmp_path: Path) -> None:
    workspace(tmp_path)
    project = ProjectContext(tmp_path)
    retriever = GhostRetriever(project, wait_s=5.0)
    try:
        assert await retriever.items("pkg/reader.py", MAIN, 0) == []  # no index yet: nothing, and no build started
        assert project.index is None
        await project.ready_index()
        first = await retriever.items("pkg/reader.py", MAIN, 0)
        assert [i.path for i in first] == ["pkg/headers.py"]
        assert await retriever.items("pkg/reader.py", MAIN + "li", 0) == first  # kept while typing on
        stable = StableContext(project, {"local", "retrieved"})
        items = await stable.items("pkg/reader.py", MAIN, len(MAIN), MAIN.count("\n") - 2, 0)
        assert [i.kind.value for i in items] == ["retrieved", "definition", "definition", "definition"]
    finally:
        await project.aclose()
