"""The quality measurement's sites and scores (pure)."""

from __future__ import annotations

from engine.ghost.quality import cut_to_target, find_sites, raw_prefix, sample_sites, score

SOURCE = '''def f(a, b):
    """Docstring line = not code (really)
    more = docs
    """
    total = a + b
    if total > 10:
        print(total)
    return total
'''


def test_sites_are_found_outside_docstrings() -> None:
    sites = {(s.kind, s.target) for s in find_sites("f.py", SOURCE)}
    assert sites == {("assign", "a + b"), ("call", "total)"), ("block", "print(total)"), ("return", "total")}


def test_a_block_site_masks_the_body_and_keeps_its_indentation() -> None:
    block = next(s for s in find_sites("f.py", SOURCE) if s.kind == "block")
    assert block.text.split("\n")[block.line] == "        " and block.column == 8
    assert "print(total)" not in block.text


def test_sampling_is_spread_over_kinds_and_repeatable() -> None:
    sites = find_sites("f.py", SOURCE) * 3
    assert sample_sites(sites, 4, seed=1) == sample_sites(sites, 4, seed=1)
    assert {s.kind for s in sample_sites(sites, 4, seed=1)} == {"assign", "call", "block", "return"}


def test_scores_cut_the_prediction_to_the_target_lines() -> None:
    assert cut_to_target("a + b\nmore", "a + b") == "a + b"
    assert score("a + b  \nmore", "a + b") == (True, True, 1.0)
    exact, first8, similarity = score("a + c", "a + b")
    assert not exact and not first8 and 0.5 < similarity < 1


def test_the_model_alone_sees_the_last_lines_that_fit() -> None:
    assert raw_prefix("one\ntwo\nthree\nfo", 3, lambda s: 1) == "two\nthree\nfo"
