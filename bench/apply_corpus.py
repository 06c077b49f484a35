"""Benchmark: applying model replies to real files, caret against aider's appliers, on the same cases.

Cases are built from ~30 modules of the running interpreter's standard library (fixed seed): real changes
(rename a local variable in a function, change a return line, insert a statement, delete a block, edit two files,
create a file, delete a file) expressed in every format models write (SEARCH/REPLACE with the path before or
inside the fence; unified diffs with headers, `@@ @@` without numbers, or without headers; whole files named in
the info string, a heading or the line before; files with `# ... existing code ...` elisions or as a snippet), with
the defects models produce (indentation drift, trailing whitespace, wrong line numbers, missing or extra context,
a mistyped context line, CRLF files, a block that matches twice, a path that does not exist).

Outcome per case: correct (the files are exactly what the reply meant, trailing whitespace aside; a CRLF file
must stay CRLF for caret; a case meant to be refused counts correct when nothing is written), refused (nothing
written), wrong (anything else, partial writes included). caret runs in-process (proposal_from_blocks +
apply_proposal on a temp workspace); aider 0.86.2's editblock and udiff functions run in bench/.aider-venv (see
bench/apply_corpus_aider.py); aider reads no whole-file format through those functions ("n/a").

Run: .venv/bin/python bench/apply_corpus.py [--quick] [--skip-aider]   (last line: one JSON object)
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from apply_corpus_cases import FORMATS, Case, build_cases
from context_index import AIDER_PYTHON, ensure_aider

from engine.edit import EditError, apply_proposal, proposal_from_blocks

SEED = 20261129
HERE = Path(__file__).resolve().parent


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).rstrip("\n")


def classify(case: Case, after: dict[str, str | None], crlf_ok: bool = True) -> str:
    """correct / refused / wrong, comparing the files after the run with what the reply meant."""
    before = case.files
    changed = [p for p in case.paths if _norm(after.get(p)) != _norm(before.get(p))]
    if case.expect is None:
        return "wrong" if changed else "correct"
    if not changed:
        return "refused"
    done = True
    for path, want in case.expect.items():
        got = after.get(path)
        if _norm(got) == _norm(want) or (want is None and got == ""):
            continue
        if _norm(got) != _norm(before.get(path)):
            return "wrong"
        done = False  # this file was refused and left as it was; the others are right
    return "wrong" if not crlf_ok else ("correct" if done else "refused")


def run_caret(case: Case) -> tuple[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for path, text in case.files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(text.replace("\n", "\r\n" if case.crlf else "\n").encode())
        note = ""
        try:
            proposal = proposal_from_blocks(root, case.reply)
            apply_proposal(root, proposal)
            note = "; ".join(proposal.refused)
        except EditError as exc:
            note = str(exc)
        after: dict[str, str | None] = {}
        crlf_ok = True
        for path in case.paths:
            full = root / path
            data = full.read_bytes().decode() if full.exists() else None
            after[path] = data
            if data is not None and case.crlf and path in case.files and data != case.files[path].replace(
                    "\n", "\r\n"):
                crlf_ok = crlf_ok and data.count("\n") == data.count("\r\n")
        return classify(case, after, crlf_ok), note


def run_aider(cases: list[Case]) -> list[str | None]:
    """aider's outcome per case (None where aider reads no such format)."""
    todo = [(i, c) for i, c in enumerate(cases) if FORMATS[c.fmt] is not None]
    payload = [{"files": c.files, "paths": list(c.paths), "reply": c.reply, "reader": FORMATS[c.fmt]} for _, c in todo]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(payload, f)
    out = subprocess.run([str(AIDER_PYTHON), str(HERE / "apply_corpus_aider.py"), f.name],
                         capture_output=True, text=True, check=True)
    Path(f.name).unlink()
    results: list[str | None] = [None] * len(cases)
    for (i, case), res in zip(todo, json.loads(out.stdout.strip().splitlines()[-1]), strict=True):
        results[i] = "refused" if "error" in res and case.expect is not None else (
            "correct" if "error" in res else classify(case, res["files"]))
    return results


def _tally(outcomes: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = {}
    for fmt, outcome in outcomes:
        table.setdefault(fmt, Counter())[outcome] += 1
        table.setdefault("all", Counter())[outcome] += 1
    return {fmt: {k: c[k] for k in ("correct", "refused", "wrong")} for fmt, c in table.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 60-case subset (< 1 minute)")
    parser.add_argument("--skip-aider", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every case that is not correct")
    parser.add_argument("--seed", type=int, default=SEED, help="another draw of the same plan")
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    cases = build_cases(stdlib, random.Random(args.seed))
    if args.quick:
        cases = random.Random(args.seed).sample(cases, 60)
    t0 = time.perf_counter()
    caret = [run_caret(case) for case in cases]
    caret_s = time.perf_counter() - t0
    problem = "skipped" if args.skip_aider else ensure_aider()
    aider = run_aider(cases) if problem is None else [None] * len(cases)
    for case, (outcome, note), peer in zip(cases, caret, aider, strict=True):
        if args.verbose and outcome != "correct":
            print(f"caret {outcome}: {case.id} [{note[:150]}]", file=sys.stderr)
        if args.verbose and peer not in (None, "correct"):
            print(f"aider {peer}: {case.id}", file=sys.stderr)
    caret_t = _tally([(c.fmt, o) for c, (o, _) in zip(cases, caret, strict=True)])
    aider_t = _tally([(c.fmt, o) for c, o in zip(cases, aider, strict=True) if o is not None])
    print(f"{'format':<16} {'cases':>5}  caret correct/refused/wrong   aider correct/refused/wrong", file=sys.stderr)
    for fmt in [*FORMATS, "all"]:
        c = caret_t.get(fmt)
        if not c:
            continue
        a = aider_t.get(fmt)
        peer = f"{a['correct']}/{a['refused']}/{a['wrong']}" if a and fmt != "all" else "n/a"
        if fmt == "all" and aider_t.get("all"):
            peer = "{correct}/{refused}/{wrong} (formats aider reads)".format(**aider_t["all"])
        print(f"{fmt:<16} {sum(c.values()):>5}  {c['correct']}/{c['refused']}/{c['wrong']:<21} {peer}",
              file=sys.stderr)
    total = sum(caret_t["all"].values())
    summary = {
        "cases": total, "seed": args.seed, "quick": args.quick, "aider": problem or "0.86.2",
        "caret_correct_pct": round(100 * caret_t["all"]["correct"] / total, 2), "caret_s": round(caret_s, 2),
        "caret": caret_t, "aider_by_format": aider_t,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
