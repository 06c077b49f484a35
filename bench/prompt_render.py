"""caret's prompt renderer against Priompt (@impowering/priompt 0.2.1 under Node), side by side.

Run: .venv/bin/python bench/prompt_render.py [--repeats N] [--sizes 1000,10000,50000]
The same trees are rendered by both with cl100k (caret: the counter the engine passes to render for an OpenAI
gpt-4 model, `RemoteModel.count_tokens`): a realistic chat prompt (prompts.chat_prompt), a ghost-text
FIM prompt with an Isolate (prompts.ghost_prompt), synthetic trees of 1k/10k/50k labelled scopes over many
priority levels, and 10k flat scopes whose tokens merge across joins. Trees go to Node as JSON; Priompt is
timed inside Node (render() only: process start and tree building excluded). Per tree: whether the kept
scopes, the output and the token count are identical, and the median ms per render. The npm peer lives in
bench/node_modules (git-ignored) and is installed here if missing (`npm install --prefix bench`).
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.remote import RemoteModel  # noqa: E402 (after the path fix-up, so the script runs from anywhere)
from prompts import (  # noqa: E402
    ChatPromptInput,
    ContextItem,
    ContextKind,
    Empty,
    First,
    GhostPromptInput,
    Isolate,
    Message,
    MessageNode,
    Node,
    Scope,
    chat_prompt,
    ghost_prompt,
    render,
)

BENCH = ROOT / "bench"
PRIOMPT_DIR = BENCH / "node_modules" / "@impowering" / "priompt"


def ensure_priompt() -> None:
    if PRIOMPT_DIR.exists():
        return
    if shutil.which("npm") is None:
        sys.exit("npm not found: install Node.js 18+, then run `npm install --prefix bench`")
    print("installing @impowering/priompt into bench/node_modules ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--prefix", str(BENCH), "--no-audit", "--no-fund"], check=True)


def to_json(node: Node) -> object:
    """Caret element -> the JSON tree bench/priompt_runner.js builds with createElement."""
    if isinstance(node, str):
        return node
    if isinstance(node, Scope):
        out: dict[str, object] = {"t": "scope", "c": [to_json(c) for c in node.children]}
        if node.p is not None:
            out["p"] = node.p
        if node.prel is not None:
            out["prel"] = node.prel
        if node.label:
            out["name"] = node.label
        return out
    if isinstance(node, First):
        return {"t": "first", "c": [to_json(a) for a in node.alternatives]}
    if isinstance(node, Empty):
        return {"t": "empty", "tokens": node.tokens}
    if isinstance(node, Isolate):
        # Priompt reports no onInclude for an isolate: carry its label and priority on a wrapping scope.
        inner = {"t": "isolate", "budget": node.budget, "c": [to_json(c) for c in node.children]}
        wrap: dict[str, object] = {"t": "scope", "c": [inner]}
        if node.p is not None:
            wrap["p"] = node.p
        if node.prel is not None:
            wrap["prel"] = node.prel
        if node.label:
            wrap["name"] = node.label
        return wrap
    if isinstance(node, MessageNode):
        return {"t": "msg", "role": node.role, "c": [to_json(c) for c in node.children]}
    raise TypeError(type(node).__name__)


# --- trees ------------------------------------------------------------------------------------------

WORDS = ("self", "value", "index", "result", "config", "items", "parse", "render", "token", "buffer",
         "cursor", "window", "model", "prompt", "return", "async", "await", "None", "True", "len")


def code_line(rng: random.Random, i: int) -> str:
    indent = "    " * rng.randint(0, 3)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))
    return f"{indent}{words}({i}, {rng.randint(0, 999)})\n"


def synthetic_tree(n_scopes: int, seed: int) -> tuple[Node, int]:
    """Files (absolute priorities) holding blocks (relative) holding lines (relative); some files as
    First(whole, outline, path). Returns the tree and about half of its full token count as the budget."""
    rng = random.Random(seed)
    made = 0
    files: list[Node] = []
    total_chars = 0
    while made < n_scopes:
        fid = made
        base = rng.randint(100, 100_000)
        blocks: list[Node] = []
        made += 1
        for b in range(rng.randint(2, 8)):
            lines: list[Node] = []
            bid = made
            made += 1
            for _ in range(rng.randint(3, 12)):
                text = code_line(rng, made)
                total_chars += len(text)
                lines.append(Scope(text, prel=-rng.randint(0, 400), label=f"s{made}"))
                made += 1
            blocks.append(Scope(f"# block {b}\n", *lines, prel=-rng.randint(0, 5000), label=f"s{bid}"))
        body = Scope(f"## file{fid}.py\n", *blocks, p=base, label=f"s{fid}")
        if rng.random() < 0.2:
            outline = Scope(f"## file{fid}.py (outline)\n", "".join(f"def f{i}(): ...\n" for i in range(5)),
                            p=base + rng.randint(1, 5000), label=f"o{fid}")
            path = Scope(f"## file{fid}.py\n", p=base + 6000, label=f"p{fid}")
            files.append(First(body, outline, path))
        else:
            files.append(body)
    tree = Scope("You are given parts of a code base.\n", *files, Empty(500), "Answer briefly.\n")
    return tree, total_chars // 8 + 600


def joins_tree(n_scopes: int, seed: int) -> tuple[Node, int]:
    """Flat scopes of a few words that end mid-line (spaces, commas, nothing): tokens merge across joins, so
    per-scope counts drift from the exact count and the renderer's exact fix-up has to work."""
    rng = random.Random(seed)
    scopes = []
    for i in range(n_scopes):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        scopes.append(Scope(words + rng.choice([" ", "", ", ", "  ", "\n", "."]), p=rng.randint(0, 3000),
                            label=f"j{i}"))
    return Scope(*scopes), n_scopes * 2


def realistic_chat_tree(seed: int) -> tuple[Node, int]:
    rng = random.Random(seed)
    items: list[ContextItem] = []
    for f in range(6):
        text = "".join(code_line(rng, i) for i in range(rng.randint(60, 200)))
        outline = "".join(f"def fn_{f}_{i}(x): ...\n" for i in range(8))
        items.append(ContextItem(f"src/mod{f}.py", text, ContextKind.OPEN_FILE, priority=rng.random(),
                                 label=f"file{f}"))
        items.append(ContextItem(f"src/mod{f}.py", outline, ContextKind.REPO_MAP, priority=rng.random(),
                                 label=f"outline{f}"))
    for d in range(8):
        items.append(ContextItem(f"src/def{d}.py", "".join(code_line(rng, i) for i in range(8)),
                                 ContextKind.DEFINITION, range=(d * 10, d * 10 + 8), priority=rng.random()))
    for s in range(20):
        items.append(ContextItem(f"src/snip{s}.py", "".join(code_line(rng, i) for i in range(12)),
                                 ContextKind.RETRIEVED, range=(s, s + 12), priority=rng.random()))
    items.append(ContextItem("AGENTS.md", "Use type hints. Keep functions small.\n", ContextKind.RULE))
    history: list[Message] = []
    for t in range(10):
        history.append(Message("user", f"Question {t}: how does {rng.choice(WORDS)} work?"))
        history.append(Message("assistant", "".join(code_line(rng, i) for i in range(6))))
    req = ChatPromptInput(question="Where is the cursor window built?", items=tuple(items),
                          history=tuple(history), answer_tokens=800)
    return chat_prompt(req), 6000


def ghost_tree(seed: int) -> tuple[Node, int]:
    """A ghost-text FIM prompt: rules and chunks of other files in the stable Isolate, a 600-line file."""
    rng = random.Random(seed)
    lines = [code_line(rng, i) for i in range(600)]
    chunks = tuple(ContextItem(f"src/other{i}.py", "".join(code_line(rng, j) for j in range(10)),
                               ContextKind.RETRIEVED, priority=rng.random(), label=f"chunk{i}") for i in range(12))
    rules = (ContextItem("AGENTS.md", "Use type hints.\nNo globals.\n", ContextKind.RULE),)
    req = GhostPromptInput(path="src/editor.py", language="python", prefix="".join(lines[:400]) + "    ret",
                           suffix="urn\n" + "".join(lines[400:]), rules=rules, items=chunks,
                           fim_format="starcoder", stable_tokens=600)
    return ghost_prompt(req), 2048


# --- running ----------------------------------------------------------------------------------------

def run_priompt(cases: list[dict[str, object]]) -> list[dict[str, object]]:
    proc = subprocess.run(["node", str(BENCH / "priompt_runner.js")], input=json.dumps({"cases": cases}),
                          capture_output=True, text=True, cwd=BENCH, check=False)
    if proc.returncode != 0:
        sys.exit(f"priompt runner failed: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout)["results"]


def run_caret(tree: Node, budget: int, repeats: int) -> tuple[list[float], object]:
    # What engine/ passes to render (chat and edit: model.count_tokens) for a model counting with cl100k.
    count = RemoteModel(name="gpt-4", base_url=None, api_key="unused: nothing is sent").count_tokens
    count("warm up")
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = render(tree, budget, count)
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--sizes", default="1000,10000,50000")
    args = ap.parse_args()
    ensure_priompt()
    trees: list[tuple[str, Node, int]] = [("chat", *realistic_chat_tree(7)), ("ghost_fim", *ghost_tree(3))]
    for n in (int(s) for s in args.sizes.split(",")):
        trees.append((f"synthetic_{n}", *synthetic_tree(n, seed=n)))
    trees.append(("joins_10000", *joins_tree(10_000, seed=5)))
    cases = [{"name": name, "tree": to_json(tree), "budget": budget, "repeats": args.repeats}
             for name, tree, budget in trees]
    peer = {r["name"]: r for r in run_priompt(cases)}
    summary: dict[str, object] = {}
    all_identical = True
    for name, tree, budget in trees:
        times, res = run_caret(tree, budget, args.repeats)
        p = peer[name]
        kept = sorted({s.label for s in res.scopes if s.kept})
        if res.messages is not None:
            same_output = p["messages"] == [{"role": m.role, "content": m.content} for m in res.messages]
        else:
            same_output = p["text"] == res.text
        identical = (p["error"] is None and kept == p["kept"] and res.tokens == p["tokenCount"]
                     and same_output and res.cutoff == p["priorityCutoff"])
        all_identical &= identical
        caret_ms, peer_ms = statistics.median(times), statistics.median(p["ms"]) if p["ms"] else float("nan")
        scopes = len(res.scopes)
        print(f"{name:>16}: scopes {scopes:6d}  identical={identical}  tokens caret {res.tokens} / priompt "
              f"{p['tokenCount']}  kept {len(kept)}/{len(p['kept'])}  caret {caret_ms:8.2f} ms  "
              f"priompt {peer_ms:8.2f} ms  x{peer_ms / caret_ms:5.1f}", file=sys.stderr)
        summary[name] = {"scopes": scopes, "identical": identical, "tokens": res.tokens,
                         "caret_ms_p50": round(caret_ms, 3), "peer_ms_p50": round(peer_ms, 3),
                         "ratio": round(peer_ms / caret_ms, 2)}
    summary["all_identical"] = all_identical
    if "synthetic_10000" in summary:  # the goal: identical everywhere, >= 3x faster at 10k scopes
        ten_k = summary["synthetic_10000"]
        assert isinstance(ten_k, dict)
        summary["caret_ms_p50"], summary["peer_ms_p50"] = ten_k["caret_ms_p50"], ten_k["peer_ms_p50"]
        summary["ratio"] = ten_k["ratio"]
        summary["goal_met"] = all_identical and ten_k["ratio"] >= 3
    summary["repeats"] = args.repeats
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
