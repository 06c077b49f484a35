"""editor/fast_area.py against Textual's own results: every drawn line from the content-keyed cache equals a fresh
render after random edits, cursor moves and selections; after edits the tree equals a full parse and the lines are
drawn as with TextArea's whole-document highlights; a big file is drawn before its first parse, and parsed on a
thread, its last highlights moved by the edits meanwhile."""

from __future__ import annotations

import random
from collections import defaultdict

from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from editor.code_view import CodeView
from editor.fast_area import DEFER_LINES
from editor.highlighting import HeldHighlights, VisibleHighlights
from editor.incremental import OffsetDocument
from tests.editor.pilot import wait_for
from tests.editor.test_incremental import TEXT, random_edit


class ViewApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield CodeView(self.text, language="python")


def offset_document(view: CodeView) -> OffsetDocument:
    """The view's document, which is an OffsetDocument (editor/incremental.py)."""
    document = view.document
    assert isinstance(document, OffsetDocument)
    return document


def textual_highlights(view: CodeView) -> dict[int, list[tuple[int, int | None, str]]]:
    """TextArea's own whole-document highlight map for the view's current tree (the view's map is replaced)."""
    view._highlights = defaultdict(list)
    TextArea._build_highlight_map(view)
    return dict(view._highlights)


async def test_cached_lines_equal_fresh_renders_after_random_edits_and_moves() -> None:
    app = ViewApp(TEXT * 25)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        view.focus()
        chance = random.Random(3)
        for step in range(120):
            action = chance.choice(["edit", "edit", "move", "select", "parse"])
            if action == "edit":
                random_edit(view, chance)
            elif action == "move":
                row = chance.randrange(view.document.line_count)
                view.move_cursor((row, chance.randint(0, len(view.document[row]))), center=True)
            elif action == "select":
                row = chance.randrange(view.document.line_count)
                view.selection = Selection((row, 0), (min(view.document.line_count - 1, row + 2), 1))
            else:
                view.parse_now()
            await pilot.pause()
            for y in range(view.size.height):
                assert view.render_line(y) == view._render_line(y), (step, action, y)


async def test_edits_in_a_big_file_are_parsed_on_a_thread_and_drawn_as_textual_draws_them() -> None:
    app = ViewApp(TEXT * 25)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        document = view.document
        assert isinstance(document, OffsetDocument) and document.line_count >= DEFER_LINES
        assert await wait_for(lambda: document.parsed and not document.stale, pilot)  # after the first frame
        view.move_cursor((3, 0))
        for character in "x = (1,\n":
            view.insert(character)
            assert isinstance(view._highlights, HeldHighlights)  # never queried over a tree not reparsed
        assert await wait_for(lambda: not document.stale, pilot)
        assert isinstance(view._highlights, VisibleHighlights)
        fresh = SyntaxAwareDocument(view.text, document.language)
        assert str(document._syntax_tree.root_node) == str(fresh._syntax_tree.root_node)
        ours = {row: view._highlights[row] for row in range(document.line_count)}
        drawn = [view.render_line(y) for y in range(view.size.height)]
        theirs = textual_highlights(view)  # the same spans (in another order among those that do not overlap)
        assert all(sorted(ours[row]) == sorted(theirs.get(row, [])) for row in ours)
        assert drawn == [view._render_line(y) for y in range(view.size.height)]  # drawn with TextArea's map


async def test_while_an_edit_is_parsed_the_last_highlights_are_drawn_moved_by_it() -> None:
    app = ViewApp(TEXT * 25)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        document = offset_document(view)
        assert await wait_for(lambda: not document.stale, pilot)
        before = [list(view._highlights[row]) for row in range(8)]
        view.move_cursor((0, 0))
        view.insert("\n\n")  # two lines above everything: each row's highlights two rows down, until the parse
        assert document.stale and isinstance(view._highlights, HeldHighlights)
        assert [view._highlights[row] for row in range(2, 10)] == before
        assert await wait_for(lambda: not document.stale, pilot)
        assert [view._highlights[row] for row in range(2, 10)] == before  # and the parse agrees


async def test_typing_while_a_parse_runs_ends_in_the_tree_of_the_final_text() -> None:
    app = ViewApp(TEXT * 40)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        document = offset_document(view)
        view.move_cursor((50, 0))
        chance = random.Random(5)
        for _ in range(40):  # no pause between some of them: edits arrive while a parse is running
            random_edit(view, chance)
            if chance.random() < 0.5:
                await pilot.pause()
        assert await wait_for(lambda: not document.stale, pilot)
        fresh = SyntaxAwareDocument(view.text, document.language)
        assert str(document._syntax_tree.root_node) == str(fresh._syntax_tree.root_node)


async def test_a_short_file_is_parsed_with_each_edit() -> None:
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 20)):
        view = app.query_one(CodeView)
        document = view.document
        assert isinstance(document, OffsetDocument) and not document.stale
        view.insert("x = 1\n")
        assert not document.stale


async def test_a_big_file_is_shown_before_its_first_parse() -> None:
    app = ViewApp("")
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        view.load_text(TEXT * 25)
        document = view.document
        assert isinstance(document, OffsetDocument) and document.stale and not document.parsed
        assert view.render_line(0).text.strip()  # drawn before the parse
        assert await wait_for(lambda: not document.stale, pilot)
        assert document._syntax_tree.root_node.end_point[0] >= document.line_count - 1


async def test_a_big_file_in_a_view_not_yet_mounted_is_parsed_after_its_first_frame() -> None:
    app = ViewApp("")
    async with app.run_test(size=(60, 20)) as pilot:
        view = CodeView(language="python")
        view.load_text(TEXT * 25)  # as a new tab does, before mounting its view
        document = view.document
        assert isinstance(document, OffsetDocument) and not document.parsed
        await app.mount(view)
        assert await wait_for(lambda: document.parsed and not document.stale, pilot)


async def test_enter_moves_the_lines_below_it_without_drawing_them_again() -> None:
    app = ViewApp(TEXT * 2)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        view.focus()
        view.move_cursor((2, 0))
        await pilot.pause()
        drawn: list[int] = []
        render = view._render_line

        def counted(y: int) -> Strip:
            drawn.append(y)
            return render(y)

        view._render_line = counted  # type: ignore[method-assign]
        view.insert("\n")
        await pilot.pause()
        assert 0 < len(drawn) <= 3  # the cursor's old and new rows; every line below only got a new number
        for y in range(view.size.height):
            assert view.render_line(y) == render(y), y


async def test_the_styled_lines_kept_between_frames_equal_a_fresh_render_of_the_view() -> None:
    app = ViewApp(TEXT * 3)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(CodeView)
        view.focus()
        await pilot.pause()
        chance = random.Random(11)
        for step in range(80):
            action = chance.choice(["edit", "edit", "type", "move", "select", "scroll", "theme", "blur"])
            if action == "edit":
                random_edit(view, chance)
            elif action == "type":
                await pilot.press(*chance.choice(["a", "enter", "backspace", "tab", "(", "down", "end"]))
            elif action == "move":
                row = chance.randrange(view.document.line_count)
                view.move_cursor((row, chance.randint(0, len(view.document[row]))))
            elif action == "select":
                row = chance.randrange(view.document.line_count)
                view.selection = Selection((row, 0), (min(view.document.line_count - 1, row + 2), 1))
            elif action == "scroll":
                view.scroll_to(y=chance.randrange(view.document.line_count), animate=False)
            elif action == "theme":
                app.theme = chance.choice(["textual-dark", "textual-light", "nord"])
            else:
                app.set_focus(None if view.has_focus else view)
            await pilot.pause()
            await pilot.pause()
            whole = Region(0, 0, *view.outer_size)
            kept = view._styles_cache.render_widget(view, whole)  # what the screen was last drawn from
            assert kept == StylesCache().render_widget(view, whole), (step, action)
