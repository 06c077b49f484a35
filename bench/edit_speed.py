"""Region rewrites with the embedded SmolLM2, through caret's edit pipeline: which reply format it gets right, and
how much prompt-lookup speculative decoding speeds the copy-heavy rewrite up.

Cases: real functions of 20-60 lines from the standard library, each with a small instruction (rename a local,
add a docstring, add a comment line), edited as a whole region. For each case:
- the rewrite prompt and the SEARCH/REPLACE prompt (`models.edit.format`) are answered by the plain model and the
  reply goes through `proposal_from_reply`: parsed (a proposal came out), correct (the instruction visibly done and
  the file still parses);
- the rewrite prompt is answered again by the same model with `LlamaPromptLookupDecoding` as its draft model
  (temperature 0 both): decode tokens/s with and without, interleaved, and whether the two replies are identical.
Usage: .venv/bin/python bench/edit_speed.py [--cases 20] [--lookup 10]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import importlib
import json
import re
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.edit import EditError, EditRequest, PreparedEdit, prepare_edit, proposal_from_reply
from engine.session import Session
from models.base import GenerationParams
from models.embedded import SMOLLM2, embedded_path
from models.local import LocalModel

MODULES = ("textwrap", "shlex", "csv", "configparser", "argparse", "difflib", "fnmatch", "glob", "ftplib", "gettext",
           "inspect", "pprint", "tokenize", "calendar", "imaplib", "mailbox", "smtplib", "tarfile", "zipfile")
FORMATS = ("rewrite", "search_replace")


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # the function alone, dedented
    instruction: str
    check: str  # what a correct result contains
    gone: str = ""  # a word a correct result no longer contains


def _local_name(node: ast.FunctionDef) -> str | None:
    names = [t.id for n in ast.walk(node) if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Name) and len(t.id) >= 4]
    return names[0] if names else None


def cases(limit: int) -> list[Case]:
    """Up to `limit` functions of 20-60 lines, one instruction each, in a fixed order."""
    out: list[Case] = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        text = Path(module.__file__ or "").read_text(encoding="utf-8")
        lines = text.split("\n")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef) or not 20 <= (node.end_lineno or 0) - node.lineno + 1 <= 60:
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            source = textwrap.dedent("\n".join(lines[first : node.end_lineno])) + "\n"
            if "\t" in source:
                continue
            kind = len(out) % 3
            var = _local_name(node)
            if kind == 0 and var:
                case = Case(f"{module_name}.{node.name}", source, f"Rename the local variable `{var}` to "
                            f"`{var}_new` everywhere in this function.", f"{var}_new", var)
            elif kind == 1 or (kind == 0 and not var):
                case = Case(f"{module_name}.{node.name}", source, f"Replace the docstring of `{node.name}` with "
                            "the single line: Checked by caret.", "Checked by caret.")
            else:
                case = Case(f"{module_name}.{node.name}", source, "Add the comment line `# reviewed` as the first "
                            "line of the function body.", "# reviewed")
            out.append(case)
            break  # one function per module keeps the set varied
        if len(out) >= limit:
            break
    return out


def correct(case: Case, new_text: str) -> bool:
    try:
        ast.parse(new_text)
    except SyntaxError:
        return False
    if case.gone and re.search(rf"\b{re.escape(case.gone)}\b", new_text):
        return False
    return case.check in new_text and new_text != case.source


async def prepared_for(root: Path, case: Case, reply_format: str) -> PreparedEdit:
    (root / "mod.py").write_text(case.source)
    flags = {"lsp.enabled": "false", "models.edit.format": reply_format, "models.edit.model": SMOLLM2}
    session = Session.open(root, env={}, flags=flags)
    try:
        n = len(case.source.rstrip("\n").split("\n"))
        return await prepare_edit(session, EditRequest("mod.py", case.instruction, 0, n))
    finally:
        await session.aclose()


async def answer(model: LocalModel, prepared: PreparedEdit) -> tuple[str, int, float, float]:
    """(reply, completion tokens, decode tokens/s after the first token, wall seconds)."""
    start = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    # A rewrite needs about the region's own length: a reply that runs on past that has failed already, and on a
    # shared 2-core machine running it to the window's third would take minutes per case.
    limit = min(prepared.answer_tokens, model.count_tokens(prepared.opened.text) * 3 // 2 + 64)
    stream = model.stream_chat(prepared.messages, GenerationParams(max_tokens=limit, temperature=0.0))
    async for delta in stream:
        if delta and first is None:
            first = time.perf_counter()
        parts.append(delta)
    end = time.perf_counter()
    tokens = stream.usage.completion_tokens or model.count_tokens("".join(parts))
    tps = (tokens - 1) / max(end - (first or end), 1e-9)
    return "".join(parts), tokens, tps, end - start


def outcome(prepared: PreparedEdit, case: Case, reply: str) -> tuple[bool, bool]:
    try:
        proposal = proposal_from_reply(prepared, reply, case.instruction)
    except EditError:
        return False, False
    new = next((e.new_text for e in proposal.edits if e.path == "mod.py"), case.source)
    return True, correct(case, new)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--lookup", type=int, default=10, help="tokens drafted per prompt-lookup step")
    args = parser.parse_args()
    path = embedded_path(SMOLLM2)
    plain = LocalModel(SMOLLM2, path, n_ctx=4096)
    lookup = LocalModel(SMOLLM2, path, n_ctx=4096, prompt_lookup=args.lookup)
    await plain.warm_up()
    await lookup.warm_up()
    chosen = cases(args.cases)
    parsed = {f: 0 for f in FORMATS}
    right = {f: 0 for f in FORMATS}
    tps: dict[str, list[float]] = {"plain": [], "lookup": []}
    wall: dict[str, list[float]] = {"plain": [], "lookup": []}
    same = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i, case in enumerate(chosen):
            rows = {}
            for reply_format in FORMATS:
                prepared = await prepared_for(root, case, reply_format)
                reply, tokens, speed, seconds = await answer(plain, prepared)
                ok, good = outcome(prepared, case, reply)
                parsed[reply_format] += ok
                right[reply_format] += good
                rows[reply_format] = (ok, good, tokens)
                if reply_format == "rewrite":
                    fast_reply, _, fast_speed, fast_seconds = await answer(lookup, prepared)
                    tps["plain"].append(speed)
                    tps["lookup"].append(fast_speed)
                    wall["plain"].append(seconds)
                    wall["lookup"].append(fast_seconds)
                    same += fast_reply == reply
            print(f"{i + 1:2d} {case.name:32s} rewrite parsed/correct/tokens {rows['rewrite']}  search_replace "
                  f"{rows['search_replace']}  tok/s plain {tps['plain'][-1]:.1f} lookup {tps['lookup'][-1]:.1f}",
                  file=sys.stderr, flush=True)
    await plain.aclose()
    await lookup.aclose()
    n = len(chosen)
    summary = {
        "model": SMOLLM2, "cases": n,
        **{f"{f}_parsed_pct": round(100 * parsed[f] / n, 1) for f in FORMATS},
        **{f"{f}_correct_pct": round(100 * right[f] / n, 1) for f in FORMATS},
        "rewrite_tok_s_p50": round(statistics.median(tps["plain"]), 1),
        "rewrite_lookup_tok_s_p50": round(statistics.median(tps["lookup"]), 1),
        "rewrite_wall_s_p50": round(statistics.median(wall["plain"]), 2),
        "rewrite_lookup_wall_s_p50": round(statistics.median(wall["lookup"]), 2),
        "lookup_speedup": round(statistics.median(tps["lookup"]) / statistics.median(tps["plain"]), 2),
        "identical_replies_pct": round(100 * same / n, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
