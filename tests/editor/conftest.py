"""Fixtures shared by the editor tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.editor.tmux import Tmux


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server, killed (with whatever runs in it) after the test."""
    # A socket per test: a server that the previous test killed may still be exiting on its socket.
    server = Tmux(f"caret-test-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    yield server
    server.run("kill-server")
