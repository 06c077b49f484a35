"""A 20-second soak of `caret lsp` (bench/lsp_soak.py; the long run is in bench/RESULTS.md): random incremental
edits and inline completions, some cancelled, over stdio with the embedded model and jedi. No errors, and the
server is alive until it is told to exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_caret_lsp_survives_random_edits_and_completions() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "lsp_soak.py"), "--minutes", str(20 / 60)],
        capture_output=True, text=True, timeout=240, check=True, cwd=ROOT,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0, figures
    assert figures["server_alive"] and figures["exit_code"] == 0, figures
    assert figures["edits"] >= 20 and figures["requests"] >= 5, figures
    assert figures["answered"] >= 1, figures
    assert figures["answered"] + figures["cancelled"] == figures["requests"], figures
