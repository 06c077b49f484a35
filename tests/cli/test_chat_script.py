"""`caret chat` as scripts use it: the selection and rules in the prompt, sessions continued by name, answers piped
to `caret apply -`, exit 1 when the model fails, 130 when interrupted, never a terminal escape on stdout."""

from __future__ import annotations

import asyncio
import json
import shlex
import signal
import sys
from pathlib import Path

from tests.cli.arun import acaret, clean_env
from tests.models.scripted_server import Reply, ScriptedServer, chat_events, error_reply

CALC = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
RULE = '---\ndescription: python style\nglobs: "*.py"\n---\nUse snake_case everywhere.\n'


def flags(server: ScriptedServer) -> list[str]:
    return ["--provider", "openai", "--model", "scripted", "--base-url", server.url,
            "--set", "models.chat.context_window=8192", "--set", "lsp.enabled=false", "--set", "remote.max_retries=0"]


def workspace(root: Path) -> Path:
    ws = root / "ws"
    (ws / ".cursor" / "rules").mkdir(parents=True)
    (ws / "calc.py").write_text(CALC)
    (ws / "notes.md").write_text("# notes\n")
    (ws / ".cursor" / "rules" / "py.mdc").write_text(RULE)
    return ws


def sent(server: ScriptedServer, n: int = -1) -> list[dict[str, str]]:
    posts = [r for r in server.requests if r.method == "POST"]
    messages: list[dict[str, str]] = posts[n].json()["messages"]
    return messages


async def test_the_selection_and_a_mentioned_files_rules_reach_the_prompt(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events(["It subtracts."])), Reply(events=chat_events(["Fine."])))
    ran = await acaret("chat", "--file", "calc.py:5-6", "what does this do?", *flags(scripted_server),
                       cwd=ws, home=tmp_path / "home")
    assert ran.returncode == 0 and ran.stdout == "It subtracts.\n", ran
    prompt = sent(scripted_server)[-1]["content"]
    assert "selected: calc.py:5-6" in prompt and "return a - b" in prompt
    mentioned = await acaret("chat", "is @calc.py well named?", *flags(scripted_server), cwd=ws, home=tmp_path / "h")
    assert mentioned.returncode == 0, mentioned
    assert "snake_case" in sent(scripted_server)[0]["content"]


async def test_a_named_session_continues_and_is_saved(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws, home = workspace(tmp_path), tmp_path / "home"
    scripted_server.add(Reply(events=chat_events(["Call it total."])), Reply(events=chat_events(["Yes."])))
    first = await acaret("chat", "--session", "naming", "a name for the sum?", *flags(scripted_server),
                         cwd=ws, home=home)
    second = await acaret("chat", "--session", "naming", "--json", "and is it clear?", *flags(scripted_server),
                          cwd=ws, home=home)
    assert first.returncode == 0 and second.returncode == 0, (first, second)
    assert json.loads(second.stdout)["session"] == "naming"
    roles = [(m["role"], m["content"]) for m in sent(scripted_server)[1:]]
    assert roles[:2] == [("user", "a name for the sum?"), ("assistant", "Call it total.")]
    saved = json.loads((ws / ".caret" / "chats" / "naming.json").read_text())
    assert [m["content"] for m in saved["messages"]] == ["a name for the sum?", "Call it total.", "and is it clear?",
                                                         "Yes."]
    bad = await acaret("chat", "--session", "../x", "hi", *flags(scripted_server), cwd=ws, home=home)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "chat session name" in bad.stderr


async def test_an_answer_that_names_a_file_pipes_into_apply(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws, home = workspace(tmp_path), tmp_path / "home"
    answer = ("Swap the operands:\n\ncalc.py\n```python\n<<<<<<< SEARCH\n    return a + b\n=======\n"
              "    return b + a\n>>>>>>> REPLACE\n```\n")
    scripted_server.add(Reply(events=chat_events([answer[:30], answer[30:]])))
    chat = shlex.join([sys.executable, "-m", "app", "chat", "swap add's operands", *flags(scripted_server)])
    process = await asyncio.create_subprocess_shell(
        f"{chat} | {shlex.join([sys.executable, '-m', 'app', 'apply', '-', '--apply'])}", cwd=ws, env=clean_env(home),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    assert "+    return b + a" in out.decode() and "caret: wrote calc.py" in err.decode()
    assert (ws / "calc.py").read_text() == CALC.replace("a + b", "b + a")


async def test_a_failing_model_exits_1_with_one_line(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(error_reply(400, "this model does not exist"))
    ran = await acaret("chat", "hello", *flags(scripted_server), cwd=ws, home=tmp_path / "home")
    assert ran.returncode == 1, ran
    assert ran.stderr.count("\n") == 1 and "this model does not exist" in ran.stderr, ran.stderr


async def test_no_terminal_escapes_reach_stdout(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events(["\x1b[31mred\x1b[0m and \x1b]0;title\x07plain"])))
    ran = await acaret("chat", "colour?", *flags(scripted_server), cwd=ws, home=tmp_path / "home")
    assert ran.returncode == 0 and ran.stdout == "red and plain\n", ran


async def test_ctrl_c_exits_130_with_one_line(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws = workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events(["Thinking", " hard", " forever"]), stall_after=2))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "chat", "think", *flags(scripted_server), cwd=ws, env=clean_env(tmp_path / "h"),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    for _ in range(600):  # until the answer has started streaming
        if scripted_server.events_sent >= 2:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 130, err.decode()
    assert err.decode().strip().splitlines()[-1] == "caret: interrupted"
    assert "Thinking" in out.decode()
