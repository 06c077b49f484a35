"""A five-second ghost-text storm (bench/ghost_storm.py, the one-minute run is in bench/RESULTS.md): typing at
~20 keys/s through the engine never has more than one generation decoding, and the queue stays bounded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_a_typing_storm_keeps_one_generation_in_flight() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ghost_storm.py"), "--seconds", "5"],
        capture_output=True, text=True, timeout=120, check=True, cwd=ROOT,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0, figures
    assert figures["keys_per_s"] >= 10, figures  # a storm even when the machine is busy
    assert figures["requests_started"] >= 10, figures  # the debounce let requests through between bursts
    assert figures["max_generations_decoding"] == 1, figures
    assert figures["max_generations_queued"] <= 2, figures  # the one cancelled, the one just asked for
    assert figures["max_requests_alive"] <= 1, figures
    assert figures["generations_left"] == 0, figures
    assert figures["requests_started"] == figures["requests_completed"] + figures["requests_cancelled"], figures
