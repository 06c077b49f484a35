"""Chat grounded in what the user sees: the open file and its fallbacks, the selection, rules for every file in
the prompt, and the definitions of what the cursor window and each @-mentioned file call."""

from __future__ import annotations

from pathlib import Path

from engine.gather import cursor_window, gather_for_chat, gather_for_edit
from engine.project import ProjectContext
from prompts.items import ContextKind

HELPERS = 'def slugify(text):\n    """Dashes between words."""\n    return "-".join(text.split())\n'
MAIN = "from pkg.helpers import slugify\n\n\ndef title(s):\n    return slugify(s).upper()\n"
RULE = '---\ndescription: python style\nglobs: "*.py"\n---\nUse snake_case everywhere.\n'


def make_workspace(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "helpers.py").write_text(HELPERS)
    (root / "pkg" / "main.py").write_text(MAIN)
    (root / "notes.md").write_text("# notes\n")
    (root / ".cursor" / "rules").mkdir(parents=True)
    (root / ".cursor" / "rules" / "py.mdc").write_text(RULE)


async def test_a_glob_rule_applies_to_an_at_mentioned_file(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        mentioned = await gather_for_chat(project, "what does @pkg/main.py do?", current_file="notes.md")
        unrelated = await gather_for_chat(project, "what is in here?", current_file="notes.md")
    finally:
        await project.aclose()
    assert any("snake_case" in i.text for i in mentioned.items if i.kind is ContextKind.RULE)
    assert not any("snake_case" in i.text for i in unrelated.items if i.kind is ContextKind.RULE)


async def test_an_at_mentioned_file_brings_the_definitions_it_calls(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        gathered = await gather_for_chat(project, "explain @pkg/main.py")
    finally:
        await project.aclose()
    definitions = [i for i in gathered.items if i.kind is ContextKind.DEFINITION]
    assert [(d.path, d.range) for d in definitions] == [("pkg/helpers.py", (0, 3))]
    assert "Dashes between words" in definitions[0].text


async def test_the_open_file_comes_whole_with_its_window_outline_and_selection(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        gathered = await gather_for_chat(project, "why upper?", current_file="pkg/main.py", current_text=MAIN,
                                         cursor_line=4, selection=(3, 5))
    finally:
        await project.aclose()
    by_kind = {(i.kind, i.source): i for i in gathered.items}
    assert by_kind[(ContextKind.OPEN_FILE, "editor")].text == MAIN
    assert by_kind[(ContextKind.CURSOR_WINDOW, "editor")].range == (0, 6)
    selected = by_kind[(ContextKind.CURSOR_WINDOW, "selection")]
    assert selected.text == "def title(s):\n    return slugify(s).upper()"
    assert selected.title == "selected: pkg/main.py:4-5"
    assert "4: def title(s):" in by_kind[(ContextKind.REPO_MAP, "tree-sitter")].text
    # The cursor window's calls are resolved from the index, so this works without a language server.
    assert any(i.kind is ContextKind.DEFINITION and i.path == "pkg/helpers.py" for i in gathered.items)


def test_the_cursor_window_centres_on_the_selection_and_stays_in_the_file() -> None:
    text = "\n".join(str(i) for i in range(500))
    assert cursor_window(text, 250, None) == (220, 280)
    assert cursor_window(text, 2, None) == (0, 60)
    assert cursor_window(text, 499, None)[1] == 500
    assert cursor_window(text, 0, (100, 110)) == (75, 135)
    assert cursor_window("one line", None, None) == (0, 1)


async def test_an_edit_that_mentions_a_file_gets_that_files_glob_rules(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    (tmp_path / "README.md").write_text("# readme\n")
    project = ProjectContext(tmp_path)
    try:
        plain = await gather_for_edit(project, "README.md", "# readme\n", "add a title", (0, 1))
        named = await gather_for_edit(project, "README.md", "# readme\n", "describe @pkg/main.py here", (0, 1))
    finally:
        await project.aclose()
    assert not any("snake_case" in i.text for i in plain.items if i.kind is ContextKind.RULE)
    assert any("snake_case" in i.text for i in named.items if i.kind is ContextKind.RULE)
