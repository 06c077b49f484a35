"""Retention of accepted ghost text: the span follows edits, the comparison is Copilot's (1 - normalized edit
distance), and the Session records the checks made after an accept from the buffers the front-end reported."""

from __future__ import annotations

import asyncio
from pathlib import Path

from common.textdiff import changed_span
from engine.ghost import GhostTextRequest
from engine.ghost.retention import RetentionTracker, Span, moved, retained_fraction, substring_distance
from engine.ghost.stats import read_events, summarize
from engine.session import Session
from tests.models.scripted_server import Reply, ScriptedServer, completion_events


def after_edit(span: Span, old: str, new: str) -> Span:
    return moved(span, *changed_span(old, new))


def test_the_span_follows_edits_before_inside_and_after_it() -> None:
    text = "x = 1\nreturn total\n"
    span = Span(13, 18)  # "total"
    assert text[span.start:span.end] == "total"
    cases = {
        "# note\nx = 1\nreturn total\n": "total",  # a line added above: shifted
        "x = 1\nreturn total + 1\n": "total",  # typing right after it: outside
        "x = 1\nreturn tootal\n": "tootal",  # typing inside it: grown
        "x = 1\nreturn tal\n": "tal",  # a part deleted: shrunk
        "x = 1\n": "",  # the line deleted: nothing left
    }
    for new, expected in cases.items():
        moved_span = after_edit(span, text, new)
        assert new[moved_span.start:moved_span.end] == expected, new


def test_edit_distance_to_the_best_matching_substring() -> None:
    assert substring_distance("total", "return total + 1") == 0
    assert substring_distance("total", "return tootal") == 1
    assert substring_distance("abc", "") == 3


def test_retained_fraction_is_one_minus_the_normalized_edit_distance() -> None:
    accepted = "return total\n"
    assert retained_fraction(accepted, "    return total\nx", Span(4, 17)) == 1.0
    assert retained_fraction(accepted, "    return\nx", Span(4, 11)) == 1 - 6 / len(accepted)
    assert retained_fraction(accepted, "    pass\nx", Span(4, 4)) < 0.5
    assert retained_fraction("   \n", "", Span(0, 0)) == 1.0  # whitespace only: nothing to lose
    # A short accept is not "found" in its neighbours once deleted.
    assert retained_fraction("f(x)", "g = f(x) + f(y)", Span(9, 9)) < 1.0


async def test_a_type_through_then_a_partial_accept_watches_the_inserted_word() -> None:
    records: list[tuple[str, int, float, float]] = []
    tracker = RetentionTracker(lambda *r: records.append(r), delays_s=(0.05,))
    request = GhostTextRequest("a.py", "def f(a, b):\n    \n", 1, 4, "python")
    tracker.shown(request, "return a + b")
    # The user typed "ret" through the suggestion, then took the next word ("urn ") with Ctrl+Right.
    assert tracker.accepted("python", "urn a + b", "urn ")
    tracker.text_changed("a.py", "def f(a, b):\n    return a + b\n")
    tracker.text_changed("a.py", "# top\ndef f(a, b):\n    return a + b\n")
    await asyncio.sleep(0.3)
    assert records == [("python", 4, 0.05, 1.0)]
    assert not tracker.accepted("python", "something never shown", "something")


def remote(root: Path, server: ScriptedServer) -> Session:
    flags = {"models.completion.provider": "openai", "models.completion.model": "scripted",
             "models.completion.base_url": server.url, "models.completion.context_window": "4096",
             "lsp.enabled": "false"}
    return Session.open(root, env={}, flags=flags)


async def test_the_session_records_what_is_left_of_an_accept_after_each_delay(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.add(Reply(events=completion_events(["return first + second_value"])))
    session = remote(tmp_path, scripted_server)
    session.retention.delays_s = (0.3, 0.9)  # 30 s and 2 min in the product
    source = "def add(first, second_value):\n    \n"
    try:
        result = await session.complete(GhostTextRequest("m.py", source, 1, 4, "python"))
        assert result.text == "return first + second_value"
        session.ghost_accepted("python", result.text, result.text)  # Tab
        after = source.replace("    \n", "    return first + second_value\n")
        session.buffer_changed("m.py", "import os\n\n" + after)  # an edit above: the span moves, nothing lost
        await asyncio.sleep(0.6)
        session.buffer_changed("m.py", "import os\n\n" + after.replace(" + second_value", ""))  # half deleted
        await asyncio.sleep(0.8)
    finally:
        await session.aclose()
    checks = [(e.after_s, e.retained, e.chars) for e in read_events(tmp_path) if e.event == "retained"]
    kept = len("return first") / len(result.text)
    assert len(checks) == 2 and checks[0] == (0.3, 1.0, len(result.text))
    assert checks[1][0] == 0.9 and abs(checks[1][1] - kept) < 1e-3  # "return first" left of the accepted text
    report = summarize(read_events(tmp_path))
    retention = report["retention"]
    assert isinstance(retention, dict)
    assert retention["0.3s"] == {"checks": 1, "mean_pct": 100.0, "at_least_90_pct": 100.0}
    assert retention["0.9s"]["at_least_90_pct"] == 0.0


async def test_checks_not_yet_due_are_dropped_when_the_session_closes(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.add(Reply(events=completion_events(["return 1"])))
    session = remote(tmp_path, scripted_server)
    try:
        result = await session.complete(GhostTextRequest("m.py", "def f():\n    \n", 1, 4, "python"))
        session.ghost_accepted("python", result.text, result.text)  # default delays: 30 s, 2 min
    finally:
        await session.aclose()
    events = read_events(tmp_path)
    assert [e.event for e in events] == ["shown", "accepted"]
