"""What `caret lsp` costs on top of the engine (issue 12).

1. Overhead per inline completion: the same suggestion asked of the engine directly (Session.complete, in this
   process) and of `caret lsp` over stdio (textDocument/inlineCompletion, invoked, after an incremental didChange
   that makes each request new), both from one scripted OpenAI-compatible server on 127.0.0.1 (its own thread)
   that answers at once, so what is measured is caret's own work. The two paths take turns, request by request,
   so both see the same load. Overhead = server p50/p95 - direct p50/p95 (goal p95 <= 5 ms); also the p50/p95 of
   the per-request differences ("paired_overhead"). `--profile FILE` runs the server under cProfile.
2. A storm of 10,000 incremental didChange notifications (one character typed or deleted, all over the file) on a
   5,000-line file, as fast as the pipe takes them, then one request to know they were all handled: the server's
   CPU time, peak memory (VmHWM), and its memory after each further storm (no growth).

Usage: .venv/bin/python bench/lsp_server.py [--requests 1000] [--changes 10000] [--lines 5000] [--rounds 3]
       [--storm-only | --latency-only] [--profile FILE]
The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pstats
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
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
SUGGESTION = " 2)"  # after "result{i} = add({i},": the line ends in no partial word, so nothing is healed


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
        events: list[str | bytes] = [*completion_events([SUGGESTION])]
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


async def start_server(ws: Path, url: str, profile: str | None = None) -> LanguageClient:
    """`caret lsp` in a subprocess (under cProfile, writing `profile`, when given), initialized."""
    args = [a for key, value in flags(url).items() for a in ("--set", f"{key}={value}")]
    client = LanguageClient("bench", "1")
    profiler = ["-m", "cProfile", "-o", profile] if profile else []
    await client.start_io(sys.executable, *profiler, "-m", "app", "lsp", "--workspace", str(ws), *args,
                          cwd=str(ROOT))
    # A server that dies on start would leave the client waiting for ever: a bench must end.
    await asyncio.wait_for(client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(text_document=lsp.TextDocumentClientCapabilities(
            inline_completion=lsp.InlineCompletionClientCapabilities())),
        workspace_folders=[lsp.WorkspaceFolder(uri=ws.as_uri(), name="ws")])), 120)
    client.initialized(lsp.InitializedParams())
    return client


async def stop_server(client: LanguageClient) -> None:
    await asyncio.wait_for(client.shutdown_async(None), 30)
    client.exit(None)
    await client.stop()


def line_of(i: int) -> str:
    return f"result{i} = add({i},"


class Direct:
    """The engine called in this process: Session.complete, each request at a newly typed line (no cache hit)."""

    def __init__(self, ws: Path, url: str) -> None:
        self.session = Session.open(ws, env={}, flags=flags(url))
        self.text = SOURCE
        self.version = 0
        self.cpu_s = 0.0  # this thread's CPU time in Session.complete (the scripted server has its own thread)

    async def one(self, i: int) -> float:
        """ms for one suggestion."""
        self.text += line_of(i)
        self.version += 1
        lines = self.text.split("\n")
        request = GhostTextRequest(path="calc.py", text=self.text, line=len(lines) - 1, column=len(lines[-1]),
                                   language="python", version=self.version, invoked=True)
        started, cpu = time.perf_counter(), time.thread_time()
        self.session.buffer_changed("calc.py", self.text)  # what a front-end does first (the TUI, caret lsp)
        result = await self.session.complete(request)
        elapsed = (time.perf_counter() - started) * 1000
        self.cpu_s += time.thread_time() - cpu
        assert result.text, f"the engine suggested nothing: {result.finish_reason}"
        self.text += SUGGESTION + "\n"
        return elapsed


class Served:
    """`caret lsp` over stdio: an incremental didChange types a new line, then an invoked inlineCompletion there
    (the automatic trigger's debounce is the editor's wait, not overhead, so it is not what is timed)."""

    def __init__(self, client: LanguageClient, ws: Path) -> None:
        self.client = client
        self.uri = (ws / "calc.py").as_uri()
        self.line = SOURCE.count("\n")
        self.version = 1
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=self.uri, language_id="python", version=1, text=SOURCE)))

    def _type(self, at: lsp.Position, text: str) -> None:
        self.version += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=at, end=at), text=text)]))

    async def one(self, i: int) -> float:
        """ms from sending the request to its answer."""
        typed = line_of(i)
        self._type(lsp.Position(self.line, 0), typed)
        end = lsp.Position(self.line, len(typed))
        started = time.perf_counter()
        result = await asyncio.wait_for(self.client.text_document_inline_completion_async(lsp.InlineCompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=self.uri), position=end,
            context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked))), 60)
        elapsed = (time.perf_counter() - started) * 1000
        assert isinstance(result, lsp.InlineCompletionList) and result.items, "the server suggested nothing"
        self._type(end, SUGGESTION + "\n")
        self.line += 1
        return elapsed


@dataclass
class Timings:
    """Per-request wall times of both paths, and CPU time spent on the timed requests."""

    direct_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    direct_cpu_s: float = 0.0  # the engine's, in this process
    server_cpu_s: float = 0.0  # the whole server process's (both didChanges, the request, every thread)


async def latencies(ws: Path, url: str, requests: int, warm: int = 20, profile: str | None = None) -> Timings:
    """Both paths, one request of each per step, taken in turns so both see the same load on the machine."""
    direct = Direct(ws, url)
    client = await start_server(ws, url, profile)
    assert client._server is not None
    pid = client._server.pid
    try:
        served = Served(client, ws)
        out = Timings()
        for i in range(requests + warm):  # the first few warm the connections, the tokenizer, the caches
            if i == warm:
                direct.cpu_s, server_cpu = 0.0, proc_status(pid)["cpu_s"]
            if i % 2:  # which goes first alternates, so neither always follows the other's leftovers
                took_direct, took_served = await direct.one(i), await served.one(i)
            else:
                took_served = await served.one(i)
                took_direct = await direct.one(i)
            if i >= warm:
                out.direct_ms.append(took_direct)
                out.server_ms.append(took_served)
        out.direct_cpu_s, out.server_cpu_s = direct.cpu_s, proc_status(pid)["cpu_s"] - server_cpu
        return out
    finally:
        await stop_server(client)
        await direct.session.aclose()


def latency_summary(timings: Timings) -> dict[str, Any]:
    """p50/p95 of each path, the overhead as the difference of those, the p50/p95 of the per-step differences, and
    CPU ms per request (the machine's load moves wall times far more than CPU times)."""
    direct, served = timings.direct_ms, timings.server_ms
    paired = [s - d for d, s in zip(direct, served, strict=True)]
    summary: dict[str, Any] = {"requests": len(direct)}
    for name, values in (("direct", direct), ("server", served), ("paired_overhead", paired)):
        summary[f"{name}_ms_p50"] = round(statistics.median(values), 2)
        summary[f"{name}_ms_p95"] = round(percentile(values, 0.95), 2)
    summary["overhead_ms_p50"] = round(summary["server_ms_p50"] - summary["direct_ms_p50"], 2)
    summary["overhead_ms_p95"] = round(summary["server_ms_p95"] - summary["direct_ms_p95"], 2)
    summary["direct_cpu_ms_per_request"] = round(timings.direct_cpu_s * 1000 / len(direct), 2)
    summary["server_cpu_ms_per_request"] = round(timings.server_cpu_s * 1000 / len(served), 2)
    return summary


def print_profile(path: str, top: int = 30) -> None:
    """The server's own time, heaviest functions first (cProfile of its event-loop thread)."""
    stats = pstats.Stats(path, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


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
        summary = latency_summary(await latencies(ws, scripted.url, args.requests, profile=args.profile))
        print(f"inline completion: direct p50/p95 {summary['direct_ms_p50']}/{summary['direct_ms_p95']} ms, "
              f"through caret lsp {summary['server_ms_p50']}/{summary['server_ms_p95']} ms; overhead p50 "
              f"{summary['overhead_ms_p50']} ms, p95 {summary['overhead_ms_p95']} ms (goal <= 5 ms)", file=sys.stderr)
        if args.profile:
            print_profile(args.profile)
        if not args.latency_only:
            summary |= await storm(ws, scripted.url, args.changes, args.lines, args.rounds)
        return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=1000, help="timed inline completions per path")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3, help="storms in a row (growth after the first)")
    parser.add_argument("--storm-only", action="store_true", help="only the didChange storms (the memory test)")
    parser.add_argument("--latency-only", action="store_true", help="only the inline completion overhead")
    parser.add_argument("--profile", metavar="FILE", help="run the server under cProfile, write FILE, print the top")
    summary = asyncio.run(main_async(parser.parse_args()))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
