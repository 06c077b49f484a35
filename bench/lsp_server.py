"""What `caret lsp` costs on top of the engine (issue 12).

1. Overhead per inline completion: the same suggestion asked of the engine directly (Session.complete, in this
   process) and of `caret lsp` over stdio (textDocument/inlineCompletion, invoked, after an incremental didChange
   that makes each request new), both from one scripted OpenAI-compatible server on 127.0.0.1 that answers at
   once, so what is measured is caret's own work. Overhead = server latency - direct latency (p50, p95; goal
   p95 <= 5 ms).
2. A storm of 10,000 incremental didChange notifications (one character typed or deleted, all over the file) on a
   5,000-line file, as fast as the pipe takes them, then one request to know they were all handled: the server's
   CPU time, peak memory (VmHWM), and its memory after each further storm (no growth).

Usage: .venv/bin/python bench/lsp_server.py [--requests 200] [--changes 10000] [--lines 5000] [--rounds 3]
       [--storm-only]
The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.ghost import GhostTextRequest  # noqa: E402
from engine.session import Session  # noqa: E402
from tests.models.scripted_server import Reply, Request, ScriptedServer, completion_events  # noqa: E402

SOURCE = "def add(a, b):\n    return a + b\n\n\n"


def flags(url: str) -> dict[str, str]:
    """Every model role on the scripted server; no language servers (they are not what is measured)."""
    out = {"lsp.enabled": "false"}
    for role in ("completion", "chat", "edit"):
        out |= {f"models.{role}.provider": "openai", f"models.{role}.model": "scripted",
                f"models.{role}.base_url": url, f"models.{role}.context_window": "4096"}
    return out


def answer_everything(server: ScriptedServer) -> None:
    def answer(request: Request) -> Reply:
        server.add(answer)
        if request.method == "GET":
            return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        events: list[str | bytes] = [*completion_events(["2)"])]
        return Reply(events=events)

    server.add(answer)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM in MB, CPU seconds (user + system) of a process (Linux /proc)."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    out["cpu_s"] = (int(fields[11]) + int(fields[12])) / 100  # utime + stime in clock ticks (USER_HZ = 100)
    return out


async def start_server(ws: Path, url: str) -> LanguageClient:
    args = [a for key, value in flags(url).items() for a in ("--set", f"{key}={value}")]
    client = LanguageClient("bench", "1")
    await client.start_io(sys.executable, "-m", "app", "lsp", "--workspace", str(ws), *args, cwd=str(ROOT))
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(text_document=lsp.TextDocumentClientCapabilities(
            inline_completion=lsp.InlineCompletionClientCapabilities())),
        workspace_folders=[lsp.WorkspaceFolder(uri=ws.as_uri(), name="ws")]))
    client.initialized(lsp.InitializedParams())
    return client


async def stop_server(client: LanguageClient) -> None:
    await asyncio.wait_for(client.shutdown_async(None), 30)
    client.exit(None)
    await client.stop()


def line_of(i: int) -> str:
    return f"result{i} = add({i}, "


async def direct_latencies(ws: Path, url: str, requests: int) -> list[float]:
    """ms per Session.complete, each at a new line (no cache hit)."""
    session = Session.open(ws, env={}, flags=flags(url))
    try:
        text = SOURCE
        out = []
        for i in range(requests + 5):
            text += line_of(i)
            lines = text.split("\n")
            request = GhostTextRequest(path="calc.py", text=text, line=len(lines) - 1, column=len(lines[-1]),
                                       language="python", version=i + 1, invoked=True)
            started = time.perf_counter()
            result = await session.complete(request)
            if i >= 5:  # the first few warm the connection and the tokenizer
                out.append((time.perf_counter() - started) * 1000)
            assert result.text, "the engine suggested nothing"
            text += "2)\n"
        return out
    finally:
        await session.aclose()


async def server_latencies(ws: Path, url: str, requests: int) -> list[float]:
    """ms per textDocument/inlineCompletion after a didChange that types a new line."""
    client = await start_server(ws, url)
    uri = (ws / "calc.py").as_uri()
    try:
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=SOURCE)))
        line = SOURCE.count("\n")
        out = []
        for i in range(requests + 5):
            typed = line_of(i)
            here = lsp.Position(line, 0)
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2 * i + 2),
                content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=here, end=here),
                                                                      text=typed)]))
            started = time.perf_counter()
            result = await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line, len(typed)),
                context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))
            if i >= 5:
                out.append((time.perf_counter() - started) * 1000)
            assert isinstance(result, lsp.InlineCompletionList) and result.items, "the server suggested nothing"
            end = lsp.Position(line, len(typed))
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2 * i + 3),
                content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=end, end=end),
                                                                      text="2)\n")]))
            line += 1
        return out
    finally:
        await stop_server(client)


async def storm(ws: Path, url: str, changes: int, lines: int, rounds_n: int) -> dict[str, Any]:
    """`rounds_n` storms of incremental didChange on a big file: CPU, peak and settled memory of the server."""
    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(lines // 3 + 1))[: lines * 20]
    text = "\n".join(text.split("\n")[:lines]) + "\n"
    (ws / "big.py").write_text(text)
    client = await start_server(ws, url)
    assert client._server is not None
    pid = client._server.pid
    uri = (ws / "big.py").as_uri()
    rng = random.Random(1)
    version = 1
    try:
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        sync = lsp.CodeActionParams(text_document=lsp.TextDocumentIdentifier(uri=uri),
                                    range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 0)),
                                    context=lsp.CodeActionContext(diagnostics=[]))
        await client.text_document_code_action_async(sync)
        await asyncio.sleep(2)  # startup work (index, prefill) settles
        before = proc_status(pid)
        rounds = []
        for _ in range(rounds_n):
            started = time.perf_counter()
            cpu = proc_status(pid)["cpu_s"]
            row = 0
            for n in range(changes):
                version += 1
                # type a character at the start of a random line, then delete it: the file stays the same size
                if n % 2 == 0:
                    row = rng.randrange(lines)
                    change = lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(start=lsp.Position(row, 0), end=lsp.Position(row, 0)), text="x")
                else:
                    change = lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(start=lsp.Position(row, 0), end=lsp.Position(row, 1)), text="")
                client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[change]))
                if n % 500 == 0:
                    await asyncio.sleep(0)  # let the writer drain
            await client.text_document_code_action_async(sync)  # answered after every change was handled
            wall = time.perf_counter() - started
            after = proc_status(pid)
            rounds.append({"wall_s": wall, "cpu_s": after["cpu_s"] - cpu, "rss_mb": after["VmRSS"],
                           "hwm_mb": after["VmHWM"]})
        await asyncio.sleep(1)
        settled = proc_status(pid)
        return {
            "storm_changes": changes,
            "storm_file_lines": lines,
            "storm_wall_s": round(rounds[0]["wall_s"], 2),
            "storm_server_cpu_s": round(rounds[0]["cpu_s"], 2),
            "storm_server_cpu_us_per_change": round(rounds[0]["cpu_s"] / changes * 1e6, 1),
            "storm_rss_before_mb": round(before["VmRSS"], 1),
            "storm_peak_mb": round(settled["VmHWM"], 1),
            "storm_rss_after_first_mb": round(rounds[0]["rss_mb"], 1),
            "storm_rss_after_each_mb": [round(r["rss_mb"], 1) for r in rounds],
            "storm_rss_growth_after_first_mb": round(rounds[-1]["rss_mb"] - rounds[0]["rss_mb"], 1),
            "storm_rss_settled_mb": round(settled["VmRSS"], 1),
        }
    finally:
        await stop_server(client)


class ScriptedThread:
    """The scripted server on its own event loop and thread, so the direct path does not share a loop with it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = ScriptedServer()

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)
        answer_everything(self.server)
        return self.server

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.aclose(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with ScriptedThread() as scripted, tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "calc.py").write_text(SOURCE)
        if args.storm_only:
            return await storm(ws, scripted.url, args.changes, args.lines, args.rounds)
        direct = await direct_latencies(ws, scripted.url, args.requests)
        served = await server_latencies(ws, scripted.url, args.requests)
        summary: dict[str, Any] = {
            "requests": args.requests,
            "direct_ms_p50": round(statistics.median(direct), 2),
            "direct_ms_p95": round(percentile(direct, 0.95), 2),
            "server_ms_p50": round(statistics.median(served), 2),
            "server_ms_p95": round(percentile(served, 0.95), 2),
        }
        summary["overhead_ms_p50"] = round(summary["server_ms_p50"] - summary["direct_ms_p50"], 2)
        summary["overhead_ms_p95"] = round(summary["server_ms_p95"] - summary["direct_ms_p95"], 2)
        print(f"inline completion: direct p50 {summary['direct_ms_p50']} ms, through caret lsp p50 "
              f"{summary['server_ms_p50']} ms; overhead p50 {summary['overhead_ms_p50']} ms, "
              f"p95 {summary['overhead_ms_p95']} ms", file=sys.stderr)
        summary |= await storm(ws, scripted.url, args.changes, args.lines, args.rounds)
        return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3, help="storms in a row (growth after the first)")
    parser.add_argument("--storm-only", action="store_true", help="only the didChange storms (the memory test)")
    summary = asyncio.run(main_async(parser.parse_args()))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
