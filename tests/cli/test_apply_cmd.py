"""`caret apply` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.run import caret

BLOCKS = """calc.py
<<<<<<< SEARCH
    return a + b
=======
    return b + a
>>>>>>> REPLACE
"""


def test_apply_shows_a_diff_then_writes_with_apply(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "blocks.md").write_text(BLOCKS)
    shown = caret("apply", "blocks.md", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "-    return a + b\n+    return b + a" in shown.stdout
    assert (tmp_path / "calc.py").read_text().endswith("a + b\n")
    written = caret("apply", "blocks.md", "--apply", cwd=tmp_path)
    assert written.returncode == 0 and "wrote calc.py" in written.stderr
    assert (tmp_path / "calc.py").read_text().endswith("b + a\n")


def test_apply_refuses_paths_outside_the_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / "victim.py").write_text("x = 1\n")
    (ws / "blocks.md").write_text("../victim.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n")
    result = caret("apply", "blocks.md", "--apply", cwd=ws)
    assert result.returncode == 2 and "outside the workspace" in result.stderr
    assert (tmp_path / "victim.py").read_text() == "x = 1\n"


def test_apply_with_a_search_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    (tmp_path / "blocks.md").write_text(BLOCKS)
    result = caret("apply", "blocks.md", "--apply", cwd=tmp_path)
    assert result.returncode == 1  # a refused change (issue 10); 2 is for usage errors and unreadable input
    assert result.stderr.strip().count("\n") == 0 and "is not in the file" in result.stderr


def test_any_format_and_exit_1_naming_each_refused_change(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "old.py").write_text("x = 1\n")
    (tmp_path / "twice.py").write_text("y = 1\ny = 1\n")
    reply = (
        "```diff\n--- a/calc.py\n+++ b/calc.py\n@@ -7,2 +7,2 @@\n def add(a, b):\n-    return a + b\n"
        "+    return b + a\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x = 1\n```\n\n"
        "### new.py\n```python\nz = 0\n```\n\n"
        "twice.py\n<<<<<<< SEARCH\ny = 1\n=======\ny = 2\n>>>>>>> REPLACE\n"
    )
    (tmp_path / "reply.md").write_text(reply)
    result = caret("apply", "reply.md", "--apply", "--json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "caret: refused: twice.py: the SEARCH text starting 'y = 1' matches 2 places " \
                                    "(lines 1, 2)"
    out = json.loads(result.stdout)
    assert sorted(out["written"]) == ["calc.py", "new.py", "old.py"] and out["deleted"] == ["old.py"]
    assert (tmp_path / "calc.py").read_text().endswith("return b + a\n") and not (tmp_path / "old.py").exists()
    assert (tmp_path / "new.py").read_text() == "z = 0\n" and (tmp_path / "twice.py").read_text() == "y = 1\ny = 1\n"


def test_a_change_that_breaks_the_syntax_needs_force_and_stdin_works(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    reply = "calc.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef add(a, b:\n>>>>>>> REPLACE\n"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "XDG_CONFIG_HOME": str(tmp_path / ".config")}
    run = [sys.executable, "-m", "app", "apply", "-", "--apply"]
    refused = subprocess.run(run, input=reply, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "no longer parses (line 1)" in refused.stderr
    assert (tmp_path / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
    forced = subprocess.run([*run, "--force"], input=reply, cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert forced.returncode == 0 and (tmp_path / "calc.py").read_text().startswith("def add(a, b:\n")


def test_unreadable_input_and_a_reply_without_edits_exit_2(tmp_path: Path) -> None:
    missing = caret("apply", "nope.md", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.md: cannot read" in missing.stderr
    (tmp_path / "prose.md").write_text("I would rename the variable.\n```bash\nls\n```\n")
    prose = caret("apply", "prose.md", cwd=tmp_path)
    assert prose.returncode == 2 and "no SEARCH/REPLACE block, unified diff or fenced file" in prose.stderr
