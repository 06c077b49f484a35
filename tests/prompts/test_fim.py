"""FIM formats: stop sequences and unknown names. Each format's layout is checked against its documented
template in test_ghost (prompts.ghost is the one FIM builder); detection from a vocabulary in tests/models."""

from __future__ import annotations

import pytest

from prompts import FIM_FORMATS, stop_sequences


@pytest.mark.parametrize("fmt", FIM_FORMATS)
def test_stop_sequences_include_the_formats_markers(fmt: str) -> None:
    stops = stop_sequences(fmt)
    assert stops and not set(stops) & {"", "\n"}


def test_prefix_only_stop_and_unknown_format() -> None:
    assert stop_sequences(None) == ("\n\n\n",)
    with pytest.raises(ValueError, match="unknown FIM format"):
        stop_sequences("gpt")
