"""@-mentions: the parser, the resolver against a real temp workspace (and real git), fuzzy candidates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from context.docs import DocsLibrary, DocsSource
from context.mentions import (
    Mention,
    SymbolHit,
    mention_candidates,
    parse_mentions,
    resolve_mentions,
    strip_mentions,
)
from context.mentions_fuzzy import fuzzy_match

# --- parser -------------------------------------------------------------------------------------------------


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in parse_mentions(text)]


def test_parse_all_forms_with_spans() -> None:
    text = "Look at @src/app.py, @tests/ and @WorkspaceIndex.search; see @docs:textual and @diff."
    ms = parse_mentions(text)
    assert [(m.kind, m.value) for m in ms] == [
        ("path", "src/app.py"), ("folder", "tests"), ("path", "WorkspaceIndex.search"),
        ("docs", "textual"), ("diff", ""),
    ]
    assert [text[m.start : m.end] for m in ms] == [
        "@src/app.py", "@tests/", "@WorkspaceIndex.search", "@docs:textual", "@diff",
    ]


def test_parse_symbol_quoted_and_brackets() -> None:
    assert kinds("(@render) and @\"my notes.txt\" [@Makefile]") == [
        ("symbol", "render"), ("path", "my notes.txt"), ("symbol", "Makefile"),
    ]


def test_parse_ignores_emails_code_fences_and_inline_code() -> None:
    text = (
        "mail bob@example.com about @a.py\n"
        "```python\n@dataclass\nclass X: ...\n```\n"
        "use `@property` here, and @b.py\n"
        "~~~\n@decorator\n"  # an unclosed fence hides the rest
    )
    assert kinds(text) == [("path", "a.py"), ("path", "b.py")]


def test_parse_trailing_punctuation_and_bare_at() -> None:
    assert kinds("is @x.py: ok? @ alone, @@twice, and @dir/.") == [("path", "x.py"), ("folder", "dir")]


def test_strip_mentions_leaves_the_question() -> None:
    text = "how do I use @docs:lib for retries in @src/a.py?"
    assert strip_mentions(text, parse_mentions(text)) == "how do I use for retries in ?"


# --- resolver -----------------------------------------------------------------------------------------------

@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/foo.py").write_text("def foo():\n    return 1\n\n\nclass Bar:\n    def baz(self):\n        pass\n")
    (tmp_path / "src/data.bin").write_bytes(b"\x00\x01binary")
    (tmp_path / "README.md").write_text("# readme\n")
    (tmp_path / ".env").write_text("TOKEN=secret\n")
    return tmp_path


FILES = ["README.md", "src/foo.py", "src/data.bin"]  # .env is a secret: the walk left it out


def make_reader(root: Path):
    def read_text(rel: str) -> str:
        data = (root / rel).read_bytes()
        if b"\0" in data:
            raise ValueError("binary file")
        return data.decode("utf-8")
    return read_text


def find_symbol(name: str) -> list[SymbolHit]:
    table = {"foo": [SymbolHit("foo", "src/foo.py", 1, 2, "function")],
             "baz": [SymbolHit("baz", "src/foo.py", 6, 7, "method")]}
    return table.get(name, [])


def resolve(ws: Path, text: str, docs: DocsLibrary | None = None):
    ms = parse_mentions(text)
    return resolve_mentions(ms, ws, FILES, find_symbol, docs, make_reader(ws), query=strip_mentions(text, ms))


def test_resolve_file_folder_symbol(ws: Path) -> None:
    file, folder, sym, method = resolve(ws, "@src/foo.py @src/ @foo @Bar.baz")
    assert (file.kind, file.path, file.line_range) == ("file", "src/foo.py", (1, 8))
    assert "class Bar" in file.text
    assert folder.kind == "folder" and folder.text.splitlines() == ["2 files in src/", "- data.bin", "- foo.py"]
    assert (sym.kind, sym.text, sym.line_range) == ("symbol", "def foo():\n    return 1", (1, 2))
    assert method.ok and method.text.strip().startswith("def baz")


def test_line_ranges(ws: Path) -> None:
    assert [(m.value, m.lines) for m in parse_mentions("@src/foo.py:5-6, @Makefile:3 @docs:v2")] == [
        ("src/foo.py", (5, 6)), ("Makefile", (3, 3)), ("v2", None),
    ]
    (r,) = resolve(ws, "explain @src/foo.py:5-6")
    assert (r.text, r.line_range) == ("class Bar:\n    def baz(self):", (5, 6))


def test_resolve_errors_are_one_line_with_suggestions(ws: Path) -> None:
    missing, unknown, binary, outside, nofolder = resolve(ws, "@foo.py @Nope @src/data.bin @../etc/x @lib/")
    assert missing.error == "@foo.py: no such file in the workspace; did you mean src/foo.py?"
    assert unknown.error is not None and unknown.error.startswith("@Nope: no file or symbol")
    assert binary.error == "@src/data.bin: cannot read src/data.bin: binary file"
    assert outside.error == "@../etc/x: is outside the workspace"
    assert nofolder.error is not None and nofolder.error.startswith("@lib/: no such folder")
    for r in (missing, unknown, binary, outside, nofolder):
        assert not r.ok and "\n" not in (r.error or "")


def test_secret_file_named_exactly_is_read(ws: Path) -> None:
    (r,) = resolve(ws, "@.env")
    assert r.ok and r.text == "TOKEN=secret\n"


def test_symlink_out_of_workspace_is_refused(ws: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "passwords.txt"
    outside.write_text("hunter2\n")
    (ws / "link.txt").symlink_to(outside)
    (r,) = resolve(ws, "@link.txt")
    assert r.error == "@link.txt: links outside the workspace"


def test_diff_outside_git_is_a_clear_message(ws: Path) -> None:
    (r,) = resolve(ws, "@diff")
    assert r.error is not None and "not a git repository" in r.error


def test_diff_in_git_repo(ws: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(ws), *args], check=True, capture_output=True)
    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", "README.md", "src/foo.py")
    git("-c", "user.email=t@t", "-c", "user.name=t", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "init")
    (ws / "README.md").write_text("# readme\nchanged line\n")
    (ws / "new.txt").write_text("new\n")
    (r,) = resolve(ws, "what changed? @diff")
    assert r.ok and "+changed line" in r.text and "new.txt" in r.text


def test_diff_leaves_out_a_tracked_secret_file(ws: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(ws), *args], check=True, capture_output=True)
    (ws / ".env").write_text("API_KEY=old\n")
    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", "-f", "README.md", ".env")
    git("-c", "user.email=t@t", "-c", "user.name=t", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "init")
    (ws / ".env").write_text("API_KEY=sk-planted-in-diff\n")
    (ws / "README.md").write_text("# readme\nchanged line\n")
    (r,) = resolve(ws, "@diff")
    assert r.ok and "+changed line" in r.text
    assert "sk-planted-in-diff" not in r.text and "API_KEY=old" not in r.text
    assert ".env: a secret file; its changes are left out" in r.text


def test_docs_mentions(ws: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "guide.md").write_text("# Retries\nUse backoff_factor to space retries.\n\n# Timeouts\nSet timeout.\n")
    lib = DocsLibrary([DocsSource("lib", "folder", str(folder))], cache_dir=tmp_path_factory.mktemp("cache"))
    hit, = resolve(ws, "@docs:lib how do retries back off?", lib)[:1]
    assert hit.ok and "backoff_factor" in hit.text
    (unknown,) = resolve(ws, "@docs:nope retries", lib)
    assert unknown.error is not None and "nope" in unknown.error and "lib" in unknown.error
    (none,) = resolve(ws, "@docs:lib retries")
    assert none.error == "@docs:lib: no documentation sources are configured"


def test_mention_value_kinds_exposed() -> None:
    m = Mention("folder", "src", 0, 5)
    assert m.label == "@src/"


# --- fuzzy candidates ---------------------------------------------------------------------------------------

def test_fuzzy_prefers_contiguous_and_boundaries() -> None:
    exact = fuzzy_match("foo", "src/foo.py")
    scattered = fuzzy_match("foo", "src/f_o_o.py")
    assert exact is not None and scattered is not None and exact.score > scattered.score
    assert exact.positions == (4, 5, 6)
    assert fuzzy_match("xyz", "src/foo.py") is None
    camel = fuzzy_match("wi", "WorkspaceIndex")
    inner = fuzzy_match("wi", "swim")
    assert camel is not None and inner is not None and camel.score > inner.score


def test_mention_candidates_ranking_and_kinds() -> None:
    files = ["foo/bar.py", "x/fb.py", "context/workspace.py", "docs/readme.md"]
    got = mention_candidates("fb", files, ["FooBar", "fab"], ["fastapi"], limit=10)
    assert got[0].label == "x/fb.py"
    labels = [c.label for c in got]
    assert "foo/bar.py" in labels and "FooBar" in labels
    assert all(c.insert_text == "@" + c.label for c in got)
    ws = mention_candidates("ws", files, [], [], limit=3)
    assert ws[0].label == "context/workspace.py"
    docs = mention_candidates("docs:fa", files, [], ["fastapi", "flask", "numpy"], limit=5)
    assert [c.insert_text for c in docs] == ["@docs:fastapi", "@docs:flask"]
    assert [c.kind for c in mention_candidates("dif", [], [], [], 5)] == ["diff"]
    assert {c.kind for c in mention_candidates("con", files, [], [], 10)} >= {"file", "folder"}
    assert len(mention_candidates("", files, [], [], limit=2)) == 2
