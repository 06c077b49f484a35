"""`caret complete` in a cold process, as a script or another tool calls it: one new process per call, on 5
standard-library files (the end of a line two thirds down each), measured with `/usr/bin/time -v` (wall and CPU
seconds, the process and its children: a language server it starts counts).

Usage: .venv/bin/python bench/complete_cold.py [--repeat N] [-- extra caret complete arguments, e.g. --budget 2048]
Prints one line per call on stderr and a JSON summary last (`wall_s_p50`, `cpu_s_p50`).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITES = (("json/decoder.py", 237), ("textwrap.py", 327), ("fractions.py", 504), ("shlex.py", 233), ("string.py", 206))


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall s, user + sys CPU s, stdout) of one command under /usr/bin/time -v."""
    done = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    field = {key.strip(): value.strip() for key, _, value in
             (line.partition(": ") for line in done.stderr.splitlines() if ": " in line)}
    clock = [float(part) for part in re.split(r"[:]", field["Elapsed (wall clock) time (h:mm:ss or m:ss)"])]
    wall = sum(part * 60 ** i for i, part in enumerate(reversed(clock)))
    cpu = float(field["User time (seconds)"]) + float(field["System time (seconds)"])
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("extra", nargs="*", help="more `caret complete` arguments (after --)")
    args = parser.parse_args()
    caret = str(REPO / ".venv" / "bin" / "caret")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, _ in SITES:
            shutil.copy(STDLIB / name, root / Path(name).name)
        for _ in range(args.repeat):
            for name, line in SITES:
                wall, cpu, out = timed([caret, "complete", f"{Path(name).name}:{line}", "--json", *args.extra], root)
                answer = json.loads(out)
                row = {"file": name, "line": line, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                       "prompt_tokens": answer["prompt_tokens"], "elapsed_ms": answer["elapsed_ms"],
                       "finish_reason": answer["finish_reason"], "completion": answer["completion"][:60]}
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    print(json.dumps({"calls": len(rows), "extra_args": args.extra,
                      "wall_s_p50": statistics.median(r["wall_s"] for r in rows),
                      "cpu_s_p50": statistics.median(r["cpu_s"] for r in rows),
                      "engine_ms_p50": statistics.median(r["elapsed_ms"] for r in rows)}))


if __name__ == "__main__":
    main()
