"""`caret edit` as scripts use it: a diff on stdout, `--apply` writes every file of the reply or none, `--check`
exits 1 on new problems, a reply that cannot be applied exits 1 naming the file, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.arun import acaret
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

CALC = "from util import double\n\n\ndef add(a, b):\n    return a + b\n"
UTIL = "def double(x):\n    return x * 2\n"
TWO_FILES = (
    "calc.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return double(a) + b\n>>>>>>> REPLACE\n\n"
    "util.py\n<<<<<<< SEARCH\n    return x * 2\n=======\n    return x + x\n>>>>>>> REPLACE\n"
)


def flags(server: ScriptedServer, lsp: bool = False) -> list[str]:
    return ["--provider", "openai", "--model", "scripted", "--base-url", server.url,
            "--set", "models.edit.context_window=8192", "--set", f"lsp.enabled={str(lsp).lower()}"]


def workspace(root: Path) -> Path:
    ws = root / "ws"
    ws.mkdir()
    (ws / "calc.py").write_text(CALC)
    (ws / "util.py").write_text(UTIL)
    return ws


async def test_apply_writes_every_file_the_reply_changes(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events([TWO_FILES])), Reply(events=chat_events([TWO_FILES])))
    shown = await acaret("edit", "calc.py:4-5", "use double", "--json", *flags(scripted_server), cwd=ws,
                         home=tmp_path / "home")
    assert shown.returncode == 0, shown
    report = json.loads(shown.stdout)
    assert report["files"] == ["calc.py", "util.py"] and report["written"] == []
    assert (ws / "util.py").read_text() == UTIL
    ran = await acaret("edit", "calc.py:4-5", "use double", "--apply", *flags(scripted_server), cwd=ws,
                       home=tmp_path / "home")
    assert ran.returncode == 0, ran
    assert "+++ b/util.py" in ran.stdout and "caret: wrote calc.py, util.py" in ran.stderr
    assert (ws / "util.py").read_text() == "def double(x):\n    return x + x\n"
    assert (ws / "calc.py").read_text() == CALC.replace("a + b", "double(a) + b")


async def test_a_reply_that_cannot_be_applied_exits_1_naming_the_file(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events(["I would rather not."])))
    ran = await acaret("edit", "calc.py", "refactor", "--apply", *flags(scripted_server), cwd=ws,
                       home=tmp_path / "home")
    assert ran.returncode == 1, ran
    assert ran.stderr.count("\n") == 1 and ran.stderr.startswith("caret: calc.py: the model's reply could not be")
    assert (ws / "calc.py").read_text() == CALC


async def test_bad_input_exits_2_without_asking_the_model(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws = workspace(tmp_path)
    missing = await acaret("edit", "nope.py", "fix", *flags(scripted_server), cwd=ws, home=tmp_path / "home")
    lines = await acaret("edit", "calc.py:5-2", "fix", *flags(scripted_server), cwd=ws, home=tmp_path / "home")
    assert missing.returncode == 2 and missing.stderr == "caret: nope.py: no such file\n", missing
    assert lines.returncode == 2 and lines.stderr.count("\n") == 1, lines
    assert [r for r in scripted_server.requests if r.method == "POST"] == []


async def test_check_exits_1_and_writes_nothing_when_the_edit_adds_problems(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events(["```python\ndef add(a, b)\n    return a +\n```"])))
    ran = await acaret("edit", "calc.py:4-5", "break it", "--check", "--apply", *flags(scripted_server, lsp=True),
                       cwd=ws, home=tmp_path / "home")
    assert ran.returncode == 1, ran
    assert "caret: the edit introduces calc.py:" in ran.stderr
    assert (ws / "calc.py").read_text() == CALC
