"""Files from the tree (Pilot): new file and folder, rename with the tab following, delete after asking; Ctrl+S on
an untitled buffer asks for a name; bracket matching; the whole screen usable at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Footer, Input

from editor.app import CaretApp
from editor.buffers import DIRTY_MARK, TabBar
from editor.dialogs import ChoiceDialog, ConfirmDialog, NameDialog
from editor.file_actions import FileTree
from engine.session import Session
from tests.editor.pilot import wait_for

FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}
UTIL = "def read(path):\n    return open(path).read()\n"


def make_app(tmp_path: Path, open_path: Path | None = None) -> CaretApp:
    (tmp_path / "util.py").write_text(UTIL)
    (tmp_path / "other.py").write_text("x = 1\n")
    return CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=open_path)


def status(app: CaretApp) -> str:
    return str(app.query_one("#status").render())


def naming(app: CaretApp) -> NameDialog | None:
    return app.screen if isinstance(app.screen, NameDialog) else None


async def point_tree_at(app: CaretApp, pilot: Pilot[None], path: Path) -> None:
    """Focus the tree with its cursor on `path` (shown at the top level)."""
    tree = app.query_one(FileTree)
    shown = lambda: [n for n in tree.root.children if n.data is not None and n.data.path == path]  # noqa: E731
    assert await wait_for(lambda: bool(shown()), pilot, 10)
    node = shown()[0]
    tree.focus()
    tree.move_cursor(node)
    await pilot.pause()


async def answer(app: CaretApp, pilot: Pilot[None], text: str) -> None:
    """Replace the name dialog's text with `text` and press Enter."""
    assert await wait_for(lambda: naming(app) is not None, pilot, 5)
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_new_file_from_the_tree_is_created_opened_and_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await point_tree_at(app, pilot, tmp_path / "util.py")
        await pilot.press("a")
        assert await wait_for(lambda: naming(app) is not None, pilot, 5)
        await pilot.press(*"../escape.py", "enter")  # typed after the prefix "" (util.py is at the top level)
        dialog = naming(app)
        assert dialog is not None and "outside the workspace" in dialog.problem  # one line, the dialog stays
        await pilot.press("backspace")
        assert dialog.problem == ""
        await answer(app, pilot, "util.py")
        assert "util.py: already exists" in dialog.problem
        await answer(app, pilot, "pkg/new_mod.py")
        new = tmp_path / "pkg" / "new_mod.py"
        assert await wait_for(lambda: app.opened is not None and app.opened.path == new, pilot, 10)
        assert new.read_text() == "" and not (tmp_path.parent / "escape.py").exists()
        assert app.buffer.language == "python" and app.code.has_focus
        tree = app.query_one(DirectoryTree)
        assert await wait_for(lambda: any(n.data and n.data.path.name == "pkg" for n in tree.root.children), pilot, 10)

        await point_tree_at(app, pilot, tmp_path / "pkg")
        await pilot.press("A")  # a folder, inside the folder under the cursor
        assert await wait_for(lambda: naming(app) is not None, pilot, 5)
        assert app.screen.query_one(Input).value == "pkg/"
        await pilot.press(*"sub", "enter")
        assert await wait_for(lambda: (tmp_path / "pkg" / "sub").is_dir(), pilot, 5)
        assert "created folder pkg/sub" in status(app)


async def test_renaming_an_open_file_moves_its_tab_with_the_unsaved_edits(tmp_path: Path) -> None:
    util = tmp_path / "util.py"
    app = make_app(tmp_path, open_path=util)
    async with app.run_test(size=(120, 30)) as pilot:
        app.code.move_cursor((2, 0))
        await pilot.press(*"# edited")
        await point_tree_at(app, pilot, util)
        await pilot.press("r")
        assert await wait_for(lambda: naming(app) is not None, pilot, 5)
        assert app.screen.query_one(Input).value == "util.py"
        await answer(app, pilot, "other.py")  # taken: refused, nothing moves
        dialog = naming(app)
        assert dialog is not None and "other.py: already exists" in dialog.problem
        await answer(app, pilot, "lib/tools.txt")
        moved = tmp_path / "lib" / "tools.txt"
        assert await wait_for(lambda: moved.exists() and naming(app) is None, pilot, 5)
        assert not util.exists() and moved.read_text() == UTIL
        assert app.opened is not None and app.opened.path == moved and app.code.text == UTIL + "# edited"
        assert app.buffer.language is None and app.code.language is None  # .txt: detected again
        assert "renamed util.py to lib/tools.txt" in status(app)

        await pilot.press("ctrl+s")  # saves at the new path, no conflict: the tab's snapshot followed the file
        assert await wait_for(lambda: moved.read_text() == UTIL + "# edited\n", pilot, 5)
        assert not util.exists() and not isinstance(app.screen, ChoiceDialog)


async def test_renaming_a_folder_moves_the_tabs_of_the_files_in_it(tmp_path: Path) -> None:
    inner = tmp_path / "pkg" / "mod.py"
    inner.parent.mkdir()
    inner.write_text("m = 1\n")
    app = make_app(tmp_path, open_path=inner)
    async with app.run_test(size=(120, 30)) as pilot:
        await point_tree_at(app, pilot, tmp_path / "pkg")
        await pilot.press("r")
        await answer(app, pilot, "lib/pkg2")
        moved = tmp_path / "lib" / "pkg2" / "mod.py"
        assert await wait_for(lambda: moved.exists() and app.opened is not None and app.opened.path == moved, pilot, 5)
        assert app.buffer.language == "python" and "(1 open)" in status(app)


async def test_delete_asks_then_closes_a_clean_tab_and_keeps_an_unsaved_one(tmp_path: Path) -> None:
    util, other = tmp_path / "util.py", tmp_path / "other.py"
    app = make_app(tmp_path, open_path=util)
    async with app.run_test(size=(120, 30)) as pilot:
        app.open_file(other)
        await pilot.press(*"y = 2", "enter")
        assert len(app.buffers) == 2

        await point_tree_at(app, pilot, util)
        await pilot.press("d")
        assert await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot, 5)
        await pilot.press("escape")  # no: nothing is deleted
        assert await wait_for(lambda: not isinstance(app.screen, ConfirmDialog), pilot, 5)
        assert util.exists() and len(app.buffers) == 2

        await pilot.press("delete")
        assert await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot, 5)
        await pilot.click("#confirm")
        assert await wait_for(lambda: not util.exists() and len(app.buffers) == 1, pilot, 5)  # its clean tab closed
        assert app.opened is not None and app.opened.path == other

        await point_tree_at(app, pilot, other)
        await pilot.press("d")
        assert await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot, 5)
        await pilot.click("#confirm")
        assert await wait_for(lambda: not other.exists(), pilot, 5)
        assert app.opened is not None and app.opened.path == other and app.buffer.dirty  # kept, all of it unsaved
        assert "1 unsaved tab kept" in status(app)
        tree = app.query_one(DirectoryTree)
        names = lambda: {n.data.path.name for n in tree.root.children if n.data}  # noqa: E731
        assert await wait_for(lambda: not names() & {"util.py", "other.py"}, pilot, 5)
        app.code.focus()
        await pilot.press("ctrl+s")  # written anew
        assert await wait_for(lambda: other.exists() and other.read_text() == "y = 2\nx = 1\n", pilot, 5)


async def test_ctrl_s_on_an_untitled_buffer_asks_for_a_name_and_becomes_that_file(tmp_path: Path) -> None:
    app = make_app(tmp_path, open_path=tmp_path / "util.py")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.press(*"def f():", "enter", *"return [1]")
        text = app.code.text
        await pilot.press("ctrl+s")
        await answer(app, pilot, "../away.py")
        dialog = naming(app)
        assert dialog is not None and "outside the workspace" in dialog.problem
        await pilot.press("ctrl+s")  # a second Ctrl+S while asking asks nothing more
        assert app.screen is dialog
        await answer(app, pilot, "notes/todo.py")
        saved = tmp_path / "notes" / "todo.py"
        assert await wait_for(lambda: saved.exists() and naming(app) is None, pilot, 5)
        assert saved.read_text() == text
        assert app.opened is not None and app.opened.path == saved and not app.buffer.dirty
        assert app.code.language == "python" and app.buffer.title == "todo.py"
        assert "saved notes/todo.py" in status(app)
        app.code.undo()  # the undo history survived becoming a file
        assert app.code.text != text


async def test_closing_an_untitled_buffer_with_text_asks_first(tmp_path: Path) -> None:
    app = make_app(tmp_path, open_path=tmp_path / "util.py")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+n", *"draft")
        await pilot.press("ctrl+w")
        assert await wait_for(lambda: isinstance(app.screen, ChoiceDialog), pilot, 5)
        await pilot.press("s")  # Save asks where
        await answer(app, pilot, "draft.txt")
        assert await wait_for(lambda: len(app.buffers) == 1, pilot, 5)
        assert (tmp_path / "draft.txt").read_text() == "draft"


async def test_the_bracket_pair_at_the_cursor_is_highlighted(tmp_path: Path) -> None:
    """On screen: the bracket under the cursor and its partner (on another line here) get the matching style."""
    path = tmp_path / "calls.py"
    path.write_text("total = sum([\n    1,\n    2,\n])\n")
    app = make_app(tmp_path, open_path=path)
    async with app.run_test(size=(120, 30)) as pilot:
        code = app.code
        matched = code.get_component_rich_style("text-area--matching-bracket").bgcolor
        assert matched is not None

        def background(row: int, column: int) -> object:
            x = code.content_region.x + code.gutter_width + column - int(code.scroll_offset.x)
            return app.screen.get_style_at(x, code.content_region.y + row - int(code.scroll_offset.y)).bgcolor

        code.move_cursor((0, 12))  # on "[": its partner is three lines down
        await pilot.pause()
        assert code.matching_bracket_location == (3, 0)
        assert background(3, 0) == matched and background(1, 4) != matched
        code.move_cursor((3, 0))  # and back from "]"
        await pilot.pause()
        assert code.matching_bracket_location == (0, 12) and background(0, 12) == matched
        code.move_cursor((1, 4))  # not on a bracket: nothing is
        await pilot.pause()
        assert code.matching_bracket_location is None and background(0, 12) != matched and background(3, 0) != matched


async def test_everything_is_visible_and_apart_at_80x24(tmp_path: Path) -> None:
    app = make_app(tmp_path, open_path=tmp_path / "util.py")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_file(tmp_path / "other.py")  # two tabs: the tab bar shows
        await pilot.pause(0.2)
        news = app.query_one("#status")  # the status bar's news, where set_status writes
        parts = [app.query_one(FileTree), app.query_one(TabBar), app.code, news, app.query_one(Footer)]
        regions = [part.region for part in parts]
        screen = app.screen.region
        for part, region in zip(parts, regions, strict=True):
            assert part.display and region.area > 0 and screen.contains_region(region), (part, region)
        for first, region in enumerate(regions):
            for other in regions[first + 1 :]:
                assert not region.overlaps(other), (region, other)
        assert app.code.region.width >= 40 and app.code.region.height >= 15  # room to read code
        assert DIRTY_MARK not in str(app.query_one(TabBar).render())

        app.query_one(FileTree).focus()  # the tree's keys are in the footer, on screen, while it has focus

        def shown() -> str:  # the footer is recomposed after the focus moves: waited for, not a fixed pause
            return " ".join(str(key.render()) for key in app.query("FooterKey") if screen.contains_region(key.region))

        tree_keys = [("a", "New file"), ("A", "Folder"), ("r", "Rename"), ("d", "Delete")]
        assert await wait_for(lambda: all(f"{key} {name}" in shown() for key, name in tree_keys), pilot, 5), shown()

        await pilot.press("ctrl+l")  # the chat panel fits beside the tree and the code instead of off screen
        chat = app.query_one("#chat")
        assert await wait_for(lambda: chat.display and chat.region.area > 0, pilot, 5)
        await pilot.pause(0.2)
        assert screen.contains_region(chat.region), chat.region
        assert not chat.region.overlaps(app.code.region) and not chat.region.overlaps(app.query_one(FileTree).region)
        assert app.code.region.width >= 10


async def test_the_tree_shows_files_made_and_removed_outside_caret(tmp_path: Path) -> None:
    app = make_app(tmp_path, open_path=tmp_path / "util.py")
    async with app.run_test(size=(120, 30)) as pilot:
        tree = app.query_one(FileTree)
        names = lambda: {n.data.path.name for n in tree.root.children if n.data is not None}  # noqa: E731
        assert await wait_for(lambda: "other.py" in names(), pilot, 10)
        (tmp_path / "made_in_a_shell.py").write_text("y = 2\n")  # as a shell or git would
        (tmp_path / "other.py").unlink()
        assert await wait_for(lambda: "made_in_a_shell.py" in names() and "other.py" not in names(), pilot, 20), names()
