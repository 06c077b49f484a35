"""@-mention candidates through the engine: files before the index exists, symbols after, secrets never."""

from __future__ import annotations

from pathlib import Path

from engine.mention_complete import mention_candidates
from engine.session import Session


def make_session(tmp_path: Path) -> Session:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "main.py").write_text("def main_loop() -> None:\n    pass\n")
    (tmp_path / "pkg" / "shapes.py").write_text("class Square:\n    pass\n")
    (tmp_path / ".env").write_text("TOKEN=secret\n")
    return Session.open(tmp_path, env={}, flags={"completion.enabled": "false", "lsp.enabled": "false"})


async def test_files_and_folders_before_the_index_then_symbols(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    try:
        before = await mention_candidates(session, "ma")
        assert before[0].label == "main.py" and before[0].insert_text == "@main.py"
        assert all(c.kind != "symbol" for c in before)  # no index yet: files and folders only
        assert [c.label for c in await mention_candidates(session, "pk")][:1] == ["pkg/"]
        session.build_index()
        after = await mention_candidates(session, "squ")
        assert ("Square", "symbol") in [(c.label, c.kind) for c in after]
        assert "main_loop" in [c.label for c in await mention_candidates(session, "main_l")]
        assert not [c for c in await mention_candidates(session, "env") if ".env" in c.label]  # a secret
    finally:
        await session.aclose()


async def test_an_edited_file_brings_its_new_names(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    try:
        session.build_index()
        assert not [c for c in await mention_candidates(session, "Circle") if c.kind == "symbol"]
        (tmp_path / "pkg" / "shapes.py").write_text("class Square:\n    pass\n\n\nclass Circle:\n    pass\n")
        index = session._project.index
        assert index is not None
        index.update_file("pkg/shapes.py")
        assert [c.label for c in await mention_candidates(session, "Circle") if c.kind == "symbol"] == ["Circle"]
    finally:
        await session.aclose()
