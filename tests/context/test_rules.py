"""Project rules: AGENTS.md, .caret/rules, .cursorrules, .cursor/rules, and the front-matter parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.rules import load_rules
from context.rules_frontmatter import FrontMatterError, split_front_matter


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- front matter -------------------------------------------------------------------------------------------

def test_front_matter_scalars_lists_and_body() -> None:
    text = (
        "---\n"
        "description: \"Python style: 'strict'\"  # trailing comment\n"
        "always: false\n"
        "globs: ['**/*.py', \"src/**\", *.pyi]\n"
        "other:\n"
        "  - a\n"
        "  - 'b c'\n"
        "---\n"
        "Use type hints.\n"
    )
    meta, body, had = split_front_matter(text)
    assert had
    assert meta == {
        "description": "Python style: 'strict'",
        "always": False,
        "globs": ["**/*.py", "src/**", "*.pyi"],
        "other": ["a", "b c"],
    }
    assert body == "Use type hints.\n"


def test_front_matter_folded_description_and_empty_globs() -> None:
    meta, _, _ = split_front_matter("---\ndescription:\n  first part\n  second part\nglobs:\nalwaysApply: false\n---\n")
    assert meta == {"description": "first part second part", "globs": None, "alwaysApply": False}


def test_front_matter_absent_keeps_text() -> None:
    meta, body, had = split_front_matter("# Title\n---\nnot front matter\n")
    assert (meta, had) == ({}, False)
    assert body.startswith("# Title")


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("---\nglobs: [a, b\n---\n", 2, "never closed"),
        ("---\ndescription: ok\ndescription \"x\"\n---\n", 3, "expected 'key: value'"),
        ("---\nalways: true\n", 1, "never closed"),
        ("---\nname: \"abc\n---\n", 2, "unterminated"),
        ("---\n- orphan\n---\n", 2, "without a list key"),
        ("---\nx: 1\ny: {a: 1}\n---\n", 3, "unsupported"),
    ],
)
def test_front_matter_errors_name_the_line(text: str, line: int, needle: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(text)
    assert info.value.line == line
    assert needle in info.value.message


# --- loading and matching -----------------------------------------------------------------------------------

@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    write(tmp_path, "AGENTS.md", "root agents\n")
    write(tmp_path, "pkg/AGENTS.md", "pkg agents\n")
    write(tmp_path, ".cursorrules", "cursor legacy rule\n")
    write(tmp_path, ".caret/rules/python.md", "---\nglobs: \"**/*.py\"\ndescription: py\n---\nPEP 8.\n")
    write(tmp_path, ".caret/rules/src.md", "---\nglobs: src/**, *.ts\n---\nsrc rule\n")
    write(tmp_path, ".caret/rules/plain.md", "No front matter means always.\n")
    write(tmp_path, ".caret/rules/manual.md", "---\ndescription: only on request\n---\nmanual body\n")
    write(tmp_path, ".caret/rules/broken.md", "---\nglobs: [\"*.py\"\nalways: true\n---\nbody\n")
    write(tmp_path, ".cursor/rules/always.mdc", "---\nalwaysApply: true\ndescription: Always on\n---\nalways!\n")
    write(tmp_path, ".cursor/rules/tests.mdc", "---\nglobs:\n  - tests/**\nalwaysApply: false\n---\ntest rule\n")
    write(tmp_path, "node_modules/lib/AGENTS.md", "vendored, never loaded\n")
    return tmp_path


def paths(rules: list) -> list[str]:
    return [r.path for r in rules]


def test_load_rules_records_errors_and_skips_broken(workspace: Path) -> None:
    rs = load_rules(workspace)
    assert len(rs.errors) == 1
    assert rs.errors[0].startswith(".caret/rules/broken.md:2:")
    assert "\n" not in rs.errors[0]
    assert ".caret/rules/broken.md" not in paths(list(rs.rules))
    assert "node_modules/lib/AGENTS.md" not in paths(list(rs.rules))
    assert paths(rs.manual_rules) == [".caret/rules/manual.md"]


def test_for_file_order_and_matching(workspace: Path) -> None:
    rs = load_rules(workspace)
    always = [".cursorrules", ".cursor/rules/always.mdc", ".caret/rules/plain.md"]
    assert paths(rs.for_file("pkg/sub/mod.py")) == [*always, ".caret/rules/python.md", "pkg/AGENTS.md"]
    assert paths(rs.for_file("src/app/main.ts")) == [*always, ".caret/rules/src.md", "AGENTS.md"]
    assert paths(rs.for_file("web/x.ts")) == [*always, ".caret/rules/src.md", "AGENTS.md"]
    assert paths(rs.for_file("tests/test_a.py")) == [
        *always, ".cursor/rules/tests.mdc", ".caret/rules/python.md", "AGENTS.md",
    ]
    assert paths(rs.for_file("README.md")) == [*always, "AGENTS.md"]
    # A path that escapes the workspace matches no globs but still gets the project-wide rules.
    assert paths(rs.for_file("../outside.py")) == [*always, "AGENTS.md"]
    texts = {r.path: r.text for r in rs.rules}
    assert texts[".caret/rules/python.md"] == "PEP 8."
    assert texts[".cursor/rules/always.mdc"] == "always!"


def test_for_request_unions_and_dedupes(workspace: Path) -> None:
    rs = load_rules(workspace)
    got = paths(rs.for_request(["pkg/a.py", "src/b.py", "pkg/c.py"]))
    assert got == [
        ".cursorrules", ".cursor/rules/always.mdc", ".caret/rules/plain.md",
        ".caret/rules/python.md", ".caret/rules/src.md", "pkg/AGENTS.md", "AGENTS.md",
    ]
    assert paths(rs.for_request([]))[-1] == "AGENTS.md"


def test_files_argument_replaces_walk(workspace: Path) -> None:
    rs = load_rules(workspace, files=["pkg/AGENTS.md", "pkg/x.py"])
    assert paths(rs.for_file("README.md"))[-1] != "AGENTS.md"  # root AGENTS.md was not in the list
    assert paths(rs.for_file("pkg/x.py"))[-1] == "pkg/AGENTS.md"


def test_bad_rule_files_give_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / ".caret/rules").mkdir(parents=True)
    (tmp_path / ".caret/rules/bin.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / ".caret/rules/latin.md").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / ".caret/rules/ok.md").write_text("---\nalways: yes\n---\nfine\n")
    rs = load_rules(tmp_path)
    assert paths(list(rs.rules)) == [".caret/rules/ok.md"]
    assert sorted(e.split(":")[0] for e in rs.errors) == [".caret/rules/bin.md", ".caret/rules/latin.md"]
    assert all("\n" not in e for e in rs.errors)


def test_empty_workspace(tmp_path: Path) -> None:
    rs = load_rules(tmp_path)
    assert rs.for_file("a.py") == [] and rs.errors == ()
