"""Context gathering: conversions to ContextItems, and what each pipeline collects from a real workspace."""

from __future__ import annotations

from pathlib import Path

from engine.gather import dedupe_items, gather_for_chat, identifiers
from engine.ghost.context import gather_for_ghost
from engine.project import ProjectContext, is_rule_file
from prompts.items import ContextItem, ContextKind


def item(path: str, kind: ContextKind, rng: tuple[int, int] | None) -> ContextItem:
    return ContextItem(path=path, text="x", kind=kind, range=rng)


def test_dedupe_drops_what_a_whole_file_or_a_wider_range_shows() -> None:
    items = [
        item("a.py", ContextKind.MENTION, None),
        item("a.py", ContextKind.DEFINITION, (3, 9)),
        item("b.py", ContextKind.DEFINITION, (0, 20)),
        item("b.py", ContextKind.RETRIEVED, (5, 10)),
        item("b.py", ContextKind.RETRIEVED, (18, 30)),
    ]
    kept = dedupe_items(items)
    assert [(i.path, i.range) for i in kept] == [("a.py", None), ("b.py", (0, 20)), ("b.py", (18, 30))]


def test_identifiers_are_unique_and_in_order() -> None:
    assert identifiers("call parse_config then parse_config and Loader") == ["call", "parse_config", "then", "and",
                                                                             "Loader"]


def test_rule_files_are_recognised() -> None:
    assert is_rule_file("AGENTS.md") and is_rule_file("src/AGENTS.md") and is_rule_file(".cursor/rules/a.mdc")
    assert not is_rule_file("README.md")


def make_workspace(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    helpers = 'def slugify(text):\n    """Dashes."""\n    return "-".join(text.split())\n'
    (root / "pkg" / "helpers.py").write_text(helpers)
    (root / "pkg" / "main.py").write_text("from pkg.helpers import slugify\n\n\ndef title(s):\n    return slugify(s)\n")
    (root / "AGENTS.md").write_text("Answer in English.\n")
    (root / ".env").write_text("TOKEN=secret\n")


async def test_chat_context_has_rules_mentions_retrieval_and_a_repo_map(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        gathered = await gather_for_chat(project, "how does @pkg/helpers.py slugify text?",
                                         current_file="pkg/main.py")
        kinds = {i.kind for i in gathered.items}
        assert {ContextKind.RULE, ContextKind.MENTION, ContextKind.RETRIEVED, ContextKind.REPO_MAP} <= kinds
        assert all("TOKEN=secret" not in i.text for i in gathered.items)
        mention = next(i for i in gathered.items if i.kind == ContextKind.MENTION)
        assert "def slugify" in mention.text
    finally:
        await project.aclose()


async def test_unknown_mention_becomes_a_note(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        gathered = await gather_for_chat(project, "explain @nothere.py")
        assert any("nothere.py" in note for note in gathered.notes)
    finally:
        await project.aclose()


async def test_ghost_context_never_waits_for_the_index(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        rules, items = await gather_for_ghost(project, "pkg/main.py", "x = 1\n", 0)
        assert [r.path for r in rules] == ["AGENTS.md"]
        assert items == []
        assert project.index is None
    finally:
        await project.aclose()


async def test_a_change_on_disk_reaches_the_index(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        await project.ready_index()
        (tmp_path / "pkg" / "extra.py").write_text("def brand_new_function():\n    return 1\n")
        from context.watcher import FileChange

        await project.apply_change(FileChange("pkg/extra.py", "created"))
        assert project.find_symbol("brand_new_function")[0].path == "pkg/extra.py"
        assert project.recent_files[0] == "pkg/extra.py"
    finally:
        await project.aclose()
