"""aider's appliers on bench/apply_corpus.py's cases; run by that bench with bench/.aider-venv's python, never
imported by caret. Reads a JSON list of cases (argv[1]), prints one JSON list of results: per case, each file's
text afterwards (null: absent), or {"error": ...}.

SEARCH/REPLACE formats: editblock_coder.find_original_update_blocks + do_replace, as EditBlockCoder.apply_edits
uses them (a failed block is retried on the other files). Diff formats: udiff_coder.find_diffs + do_replace, as
UnifiedDiffCoder.apply_edits uses them (hunks that apply are written, the others are errors).
"""

import json
import sys
import tempfile
from pathlib import Path

from aider.coders import editblock_coder, udiff_coder

FENCE = ("```", "```")


def _read(path: Path):
    return path.read_text() if path.exists() else None


def _editblock(root: Path, reply: str, names: list[str]) -> None:
    for path, original, updated in editblock_coder.find_original_update_blocks(reply, FENCE, names):
        if path is None or path.startswith("```"):
            continue  # a shell command block
        full = root / path
        if not full.exists() and not original.strip():
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_text("")  # aider creates a new file (empty) before applying blocks to it
        content = _read(full)
        new = editblock_coder.do_replace(str(full), content, original, updated, FENCE) if full.exists() else None
        if not new and original.strip():
            for other in names:
                new = editblock_coder.do_replace(str(root / other), _read(root / other), original, updated, FENCE)
                if new:
                    full = root / other
                    break
        if new:
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_text(new)


def _udiff(root: Path, reply: str) -> None:
    seen = set()
    for path, hunk in udiff_coder.find_diffs(reply):
        hunk = udiff_coder.normalize_hunk(hunk)
        key = (path, "".join(hunk))
        if not hunk or key in seen or not path:
            continue
        seen.add(key)
        full = root / path
        try:
            content = udiff_coder.do_replace(str(full), _read(full), hunk)
        except udiff_coder.SearchTextNotUnique:
            continue
        if content:
            full.write_text(content)


def run_case(case: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for path, text in case["files"].items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        try:
            if case["reader"] == "editblock":
                _editblock(root, case["reply"], list(case["files"]))
            else:
                _udiff(root, case["reply"])
        except Exception as exc:  # aider raises ValueError for replies it cannot read
            return {"error": f"{type(exc).__name__}: {str(exc)[:80]}"}
        return {"files": {p: _read(root / p) for p in case["paths"]}}


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps([run_case(case) for case in cases]))


if __name__ == "__main__":
    main()
