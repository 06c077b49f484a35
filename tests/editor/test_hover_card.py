"""The hover card: the pure fitting and placing, and F9 with the real jedi-language-server (shown at the cursor,
closed by Escape or a cursor move)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from editor.app import CaretApp
from editor.hover_card import HoverCard, card_lines, card_place
from engine.session import Session
from tests.editor.pilot import wait_for

SLOW_S = 60.0  # the first query starts the server; the machine may be busy


def test_lines_are_squeezed_cut_and_counted() -> None:
    assert card_lines("\ndef f(x)\n\n\nDoc.\n", 40, 5) == ["def f(x)", "", "Doc."]
    assert card_lines("a" * 50, 10, 5) == ["aaaaaaaaa…"]
    assert card_lines("\n".join("abcdefg"), 40, 4) == ["a", "b", "c", "… 4 more lines"]


def test_the_card_goes_under_the_cursor_or_above_it_and_stays_inside() -> None:
    area = Region(10, 2, 60, 20)  # x 10-69, y 2-21
    assert card_place((30, 5), area, (20, 4)) == (30, 6)
    assert card_place((30, 19), area, (20, 4)) == (30, 15)  # no room under the cursor: above it
    assert card_place((65, 5), area, (20, 4)) == (50, 6)  # moved left to stay in the code view


async def test_f9_shows_the_signature_at_the_cursor_and_escape_closes_it(tmp_path: Path) -> None:
    geometry = 'def area(radius):\n    """The area of a circle."""\n    return 3.14 * radius\n'
    (tmp_path / "geometry.py").write_text(geometry)
    (tmp_path / "main.py").write_text("from geometry import area\n\nprint(area(2.0))\n")
    session = Session.open(tmp_path, env={}, flags={"completion.enabled": "false"})
    app = CaretApp(session, open_path=tmp_path / "main.py")
    async with app.run_test(size=(100, 30)) as pilot:
        app.code.move_cursor((2, len("print(ar")))
        await pilot.press("f9")
        card = app.query_one(HoverCard)
        assert await wait_for(lambda: bool(card.display), pilot, SLOW_S), app.query_one("#status").render()
        assert "area" in str(card.render()) and "The area of a circle." in str(card.render())
        code_region = app.code.content_region
        assert code_region.contains(card.region.x, card.region.y)  # drawn over the code, not over the status bar
        await pilot.press("escape")
        assert not card.display and app.focused is app.code
        await pilot.press("f9")
        assert await wait_for(lambda: bool(card.display), pilot, SLOW_S)
        await pilot.press("right")  # the cursor left the symbol: the card goes
        assert not card.display
