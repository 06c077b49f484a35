"""`caret chat` as a user runs it: a subprocess against a scripted model server that records the prompt."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.arun import acaret
from tests.docs_site import FACT, docs_site
from tests.models.scripted_server import Reply, ScriptedServer, chat_events


def chat_flags(server: ScriptedServer) -> list[str]:
    return ["--provider", "openai", "--model", "scripted", "--base-url", server.url,
            "--set", "models.chat.context_window=8192", "--set", "lsp.enabled=false"]


async def test_a_docs_site_never_crawled_is_crawled_before_the_answer(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    ws, home = tmp_path / "ws", tmp_path / "home"
    (ws / ".caret").mkdir(parents=True)
    scripted_server.add(Reply(events=chat_events(["4242 rpm."])))
    with docs_site() as url:
        (ws / ".caret" / "config.toml").write_text(f'[docs.site]\nurl = "{url}"\n')
        ran = await acaret("chat", "@docs:site how fast does the frobnicator spin?", *chat_flags(scripted_server),
                           cwd=ws, home=home)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "4242 rpm."
    assert f"caret: crawling @docs:site ({url}) before answering…" in ran.stderr
    assert "caret: docs site: crawled 3 pages" in ran.stderr
    [request] = [r for r in scripted_server.requests if r.method == "POST"]
    prompt = "\n".join(m["content"] for m in request.json()["messages"])
    assert FACT in prompt
    assert (home / ".cache" / "caret" / "docs" / "site" / "pages.json").is_file()  # the next question reuses it


async def test_a_docs_site_that_cannot_be_crawled_is_one_line_and_the_answer_still_comes(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    ws, home = tmp_path / "ws", tmp_path / "home"
    (ws / ".caret").mkdir(parents=True)
    (ws / ".caret" / "config.toml").write_text('[docs.site]\nurl = "http://127.0.0.1:9/"\n')  # nothing listens
    scripted_server.add(Reply(events=chat_events(["I cannot tell."])))
    ran = await acaret("chat", "@docs:site how fast?", "--json", *chat_flags(scripted_server), cwd=ws, home=home)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["answer"] == "I cannot tell."
    problems = [line for line in ran.stderr.splitlines() if line.startswith("caret: docs site:")]
    assert len(problems) == 1 and "127.0.0.1:9" in problems[0], ran.stderr


async def test_chat_about_a_secret_current_file_leaves_it_out_with_a_note(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    ws, home = tmp_path / "ws", tmp_path / "home"
    ws.mkdir()
    (ws / ".env").write_text("API_KEY=sk-planted-0123456789\n")
    scripted_server.add(Reply(events=chat_events(["It is a secret file."])))
    ran = await acaret("chat", "--file", ".env:1", "what is in this file?", *chat_flags(scripted_server),
                       cwd=ws, home=home)
    assert ran.returncode == 0, ran.stderr
    assert "caret: .env is a secret file: left out of the prompt (mention @.env to include it)" in ran.stderr
    assert all(b"sk-planted" not in r.body for r in scripted_server.requests)
