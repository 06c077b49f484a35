"""Fixtures shared by the editor tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.editor.tmux import Tmux


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server, killed (with whatever runs in it) after the test."""
    server = Tmux(f"caret-test-{os.getpid()}")
    yield server
    server.run("kill-server")
