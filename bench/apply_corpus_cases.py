"""The cases of bench/apply_corpus.py: real changes to standard-library files, written as model replies in every
format, with the defects models produce. Deterministic for a given random.Random."""

from __future__ import annotations

import ast
import difflib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Format -> the aider function family that reads it (None: aider's editblock/udiff functions read no such reply).
FORMATS: dict[str, str | None] = {
    "sr": "editblock", "sr_inner": "editblock", "udiff": "udiff", "udiff_nonums": "udiff",
    "udiff_noheaders": "udiff", "whole_info": None, "whole_heading": None, "whole_before": None,
    "elided": None, "snippet": None,
}
PLAN: dict[str, list[str]] = {
    "sr": ["none", "indent_drift", "indent_first", "trailing_ws", "missing_context", "extra_context", "extra_line",
           "search_typo", "elision", "crlf", "ambiguous", "missing_path", "not_there", "two_files", "new_file"],
    "sr_inner": ["none", "indent_drift", "trailing_ws", "crlf", "two_files"],
    "udiff": ["none", "wrong_line_numbers", "missing_context", "extra_context", "trailing_ws", "crlf", "ambiguous",
              "ambiguous_wrong_numbers", "missing_path", "two_files", "new_file", "delete_file"],
    "udiff_nonums": ["none", "missing_context", "trailing_ws", "ambiguous", "two_files"],
    "udiff_noheaders": ["none", "wrong_line_numbers", "crlf"],
    "whole_info": ["none", "crlf", "two_files", "new_file", "truncated"],
    "whole_heading": ["none", "two_files"],
    "whole_before": ["none", "crlf"],
    "elided": ["none", "bare", "crlf", "missing_path", "two_files"],
    "snippet": ["none"],
}
INSTANCES = 7
MODULES = [
    "textwrap.py", "shlex.py", "fnmatch.py", "glob.py", "heapq.py", "json/encoder.py", "json/decoder.py", "csv.py",
    "calendar.py", "string.py", "dataclasses.py", "functools.py", "argparse.py", "configparser.py", "gzip.py",
    "tempfile.py", "shutil.py", "pathlib.py", "enum.py", "contextlib.py", "copy.py", "pprint.py", "base64.py",
    "queue.py", "statistics.py", "fractions.py", "getopt.py", "traceback.py", "tokenize.py", "ipaddress.py",
]
NEW_MODULE = (
    'def clamp(value, low, high):\n    """Keep value within [low, high]."""\n    return max(low, min(value, high))\n'
)


@dataclass
class Edit:
    """One file's change: old text (None: new file) to new text (None: deleted)."""

    path: str
    old: str | None
    new: str | None
    fn: tuple[int, int] = (0, 0)  # the changed function's lines in `old` (0-based, end exclusive)


@dataclass
class Case:
    """One reply and what it should do to the workspace (`expect` None: it must be refused)."""

    id: str
    fmt: str
    defect: str
    files: dict[str, str]
    reply: str
    expect: dict[str, str | None] | None
    crlf: bool = False
    paths: list[str] = field(default_factory=list)


# ---- changes ------------------------------------------------------------------------------------------------

def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            and (n.end_lineno or 0) - n.lineno >= 4 and n.body[0].lineno > n.lineno]


def _rename(lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef, rng: random.Random) -> list[str] | None:
    params = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    names = sorted({n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                    and len(n.id) >= 3 and n.id not in params})
    if not names:
        return None
    name = rng.choice(names)
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    out = list(lines)
    for i in range(fn.lineno - 1, fn.end_lineno or 0):
        out[i] = pattern.sub(name + "_value", out[i])
    return out


def _return(lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef, rng: random.Random) -> list[str] | None:
    found = [n for n in ast.walk(fn) if isinstance(n, ast.Return) and n.value is not None
             and n.lineno == n.end_lineno and n.value.lineno == n.value.end_lineno]
    if not found:
        return None
    node = rng.choice(found)
    value = node.value
    assert value is not None
    line = lines[node.lineno - 1]
    raw = line.encode()
    a, b = value.col_offset, value.end_col_offset or 0
    out = list(lines)
    out[node.lineno - 1] = (raw[:a] + b"_checked(" + raw[a:b] + b")" + raw[b:]).decode()
    return out


def _insert(lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef, rng: random.Random) -> list[str] | None:
    first = fn.body[0]
    doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    at = (first.end_lineno or 0) if doc else first.lineno - 1
    target = fn.body[1] if doc and len(fn.body) > 1 else first
    indent = re.match(r"\s*", lines[target.lineno - 1])
    assert indent is not None
    return [*lines[:at], f'{indent.group(0)}_trace("{fn.name}")', *lines[at:]]


def _delete(lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef, rng: random.Random) -> list[str] | None:
    if len(fn.body) < 2:
        return None
    blocks = [s for s in fn.body[1:] if isinstance(s, ast.If | ast.For | ast.While | ast.With | ast.Try)
              and 2 <= (s.end_lineno or 0) - s.lineno + 1 <= 10]
    if not blocks:
        return None
    s = rng.choice(blocks)
    return lines[: s.lineno - 1] + lines[s.end_lineno or 0 :]


OPS: dict[str, Callable[[list[str], ast.FunctionDef | ast.AsyncFunctionDef, random.Random], list[str] | None]] = {
    "rename": _rename, "return": _return, "insert": _insert, "delete": _delete,
}


def make_edit(path: str, text: str, rng: random.Random) -> tuple[str, Edit]:
    """A random real change to one function of `text`."""
    lines = text.split("\n")
    fns = _functions(ast.parse(text))
    for _ in range(200):
        op = rng.choice(sorted(OPS))
        fn = rng.choice(fns)
        new = OPS[op](lines, fn, rng)
        if new is not None and new != lines:
            new_text = "\n".join(new)
            try:
                ast.parse(new_text)
            except SyntaxError:
                continue  # e.g. a statement inserted after a docstring that shares its line
            return op, Edit(path, text, new_text, (fn.lineno - 1, fn.end_lineno or 0))
    raise RuntimeError(f"no change found for {path}")


def ambiguous_edit(path: str, text: str, rng: random.Random) -> Edit | None:
    """A change to a line the file holds twice (same indentation), at one of its places."""
    lines = text.split("\n")
    seen: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        s = line.strip()
        if len(s) >= 12 and not s.startswith(("def ", "class ", "@", "#", '"', "'")) and not s.endswith((":", ",")):
            seen.setdefault(line, []).append(i)
    twice = sorted(line for line, at in seen.items() if len(at) >= 2)
    if not twice:
        return None
    line = rng.choice(twice)
    at = rng.choice(seen[line])
    new = list(lines)
    new[at] = line + "  # reviewed"
    return Edit(path, text, "\n".join(new), (at, at + 1))


# ---- replies ------------------------------------------------------------------------------------------------

def _groups(old: list[str], new: list[str], context: int) -> list[tuple[int, int, int, int, int]]:
    """(a0, a1, b0, b1, leading context) per changed region with `context` lines around it."""
    out = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(context):
        lead = group[0][2] - group[0][1] if group[0][0] == "equal" else 0
        out.append((group[0][1], group[-1][2], group[0][3], group[-1][4], lead))
    return out


def _count(hay: list[str], needle: list[str]) -> int:
    n = len(needle)
    return sum(1 for i in range(len(hay) - n + 1) if hay[i : i + n] == needle)


def _typo(line: str) -> str | None:
    for a, b in ((", ", ","), (" = ", "="), ("'", '"'), ("(", "( ")):
        if a in line:
            return line.replace(a, b, 1)
    return None


def sr_blocks(e: Edit, defect: str, rng: random.Random) -> list[tuple[list[str], list[str]]] | None:
    """SEARCH/REPLACE pairs for an edit, with the defect applied."""
    old, new = (e.old or "").split("\n"), (e.new or "").split("\n")
    if e.old is None:
        return [([], new)]
    context = 6 if defect == "extra_context" else (0 if defect == "ambiguous" else 2)
    while True:
        groups = _groups(old, new, context)
        if defect == "ambiguous" or all(_count(old, old[a0:a1]) == 1 for a0, a1, *_ in groups) or context > 8:
            break
        context += 1
    blocks = []
    for a0, a1, b0, b1, lead in groups:
        search, replace = old[a0:a1], new[b0:b1]
        if defect == "missing_context":
            if lead < 2 or not search[lead - 2].strip():
                return None
            del search[lead - 2], replace[lead - 2]
        elif defect == "search_typo":
            bad = _typo(search[0]) if lead else None
            if bad is None:
                return None
            search[0] = replace[0] = bad
        elif defect == "extra_line":
            if lead < 1:
                return None
            ind = search[lead - 1][: len(search[lead - 1]) - len(search[lead - 1].lstrip())]
            search.insert(lead - 1, ind + "# checked above")
            replace.insert(lead - 1, ind + "# checked above")
        elif defect == "indent_first":
            if not search[0].startswith(" "):
                return None
            search[0], replace[0] = search[0].lstrip(), replace[0].lstrip()
        elif defect == "elision":
            s, _ = e.fn
            if s >= a0 - 2:
                return None
            search, replace = [old[s], "...", *search], [old[s], "...", *replace]
        elif defect == "indent_drift":
            indents = [len(x) - len(x.lstrip()) for x in search + replace if x.strip()]
            cut = min(min(indents, default=0), 4)
            search, replace = [_drift(x, cut) for x in search], [_drift(x, cut) for x in replace]
        elif defect == "trailing_ws":
            search, replace = [x + "  " for x in search], [x + "  " if x.strip() else x for x in replace]
        blocks.append((search, replace))
    return blocks


def _drift(line: str, cut: int) -> str:
    """A line moved left by `cut` columns, or right by four when there is nothing to cut (indentation drift)."""
    if cut:
        return line[cut:]
    return "    " + line if line.strip() else line


def _renumber(header: str, delta: int) -> str:
    """A hunk header with both line numbers off by `delta` (a model's wrong line numbers)."""
    return re.sub(r"([-+])(\d+)", lambda m: m.group(1) + str(max(1, int(m.group(2)) + delta)), header, count=2)


def render_sr(path: str, blocks: list[tuple[list[str], list[str]]], inner: bool) -> str:
    out = []
    for search, replace in blocks:
        body = "\n".join(["<<<<<<< SEARCH", *search, "=======", *replace, ">>>>>>> REPLACE"])
        out.append(f"```python\n{path}\n{body}\n```" if inner else f"{path}\n```python\n{body}\n```")
    return "\n\n".join(out)


def render_udiff(e: Edit, fmt: str, defect: str, rng: random.Random) -> str | None:
    old = [] if e.old is None else [x + "\n" for x in e.old.split("\n")]
    new = [] if e.new is None else [x + "\n" for x in e.new.split("\n")]
    if e.new is not None and e.new.endswith("\n"):
        new = new[:-1]
    if e.old is not None and e.old.endswith("\n"):
        old = old[:-1]
    context = {"missing_context": 0, "extra_context": 8, "ambiguous": 0, "ambiguous_wrong_numbers": 0}.get(defect, 3)
    if defect == "missing_context" and all(a == "insert" for a, *_ in difflib.SequenceMatcher(
            None, old, new, autojunk=False).get_opcodes() if a != "equal"):
        context = 1
    a = "/dev/null" if e.old is None else f"a/{e.path}"
    b = "/dev/null" if e.new is None else f"b/{e.path}"
    lines = list(difflib.unified_diff(old, new, a, b, n=context))
    out = []
    for line in lines:
        if line.startswith("@@") and fmt == "udiff_nonums":
            line = "@@ @@\n"
        elif line.startswith("@@") and defect in ("wrong_line_numbers", "ambiguous_wrong_numbers"):
            line = _renumber(line, rng.choice([-1, 1]) * rng.randint(3, 30))
        elif line.startswith(("---", "+++")) and fmt == "udiff_noheaders":
            continue
        elif line.startswith(" ") and defect == "trailing_ws":
            line = line.rstrip("\n") + "  \n"
        out.append(line)
    body = "".join(out)
    label = f"`{e.path}`\n" if fmt == "udiff_noheaders" else ""
    return f"{label}```diff\n{body}```"


def render_whole(e: Edit, fmt: str, defect: str) -> str | None:
    assert e.new is not None
    new = e.new.split("\n")
    if fmt in ("elided", "snippet"):
        if e.old is None:
            return None
        old = e.old.split("\n")
        if fmt == "snippet":
            s, end = e.fn
            body = new[s : end + len(new) - len(old)]
            if len(body) >= 0.7 * len(new) or body[0].strip() == new[0].strip():
                return None
        else:
            changed = {j for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False)
                       .get_opcodes() if tag != "equal" for j in range(max(0, j1 - 1), j2 + 1)}
            keep = {j for c in changed for j in range(c - 4, c + 5)}
            body, i = [], 0
            while i < len(new):
                if i in keep:
                    body.append(new[i])
                    i += 1
                    continue
                j = i
                while j < len(new) and j not in keep:
                    j += 1
                if j - i < 2:
                    body.extend(new[i:j])
                else:
                    ind = next((x[: len(x) - len(x.lstrip())] for x in new[i:j] if x.strip()), "")
                    body.append("..." if defect == "bare" else f"{ind}# ... existing code ...")
                i = j
        text = "\n".join(body).rstrip("\n")
    else:
        text = e.new.rstrip("\n")
    if fmt == "whole_info":
        return f"```python path={e.path}\n{text}\n```"
    if fmt == "whole_heading":
        return f"### {e.path}\n\n```python\n{text}\n```"
    return f"{e.path}:\n```python\n{text}\n```"


def render(edits: list[Edit], fmt: str, defect: str, rng: random.Random) -> str | None:
    parts = []
    for e in edits:
        if fmt.startswith("sr"):
            blocks = sr_blocks(e, defect, rng)
            part = None if blocks is None else render_sr(e.path, blocks, fmt == "sr_inner")
        elif fmt.startswith("udiff"):
            part = render_udiff(e, fmt, defect, rng)
        else:
            part = render_whole(e, fmt, defect)
        if part is None:
            return None
        parts.append(part)
    return "Here is the change.\n\n" + "\n\nAnd the next one:\n\n".join(parts) + "\n"


# ---- cases --------------------------------------------------------------------------------------------------

def _instance(stdlib: Path, fmt: str, defect: str, rng: random.Random) -> Case | None:
    mods = rng.sample(MODULES, 2)
    files = {f"Lib/{m}": (stdlib / m).read_text(encoding="utf-8") for m in mods}
    p1, p2 = list(files)
    expect: dict[str, str | None] | None
    if defect.startswith("ambiguous"):
        amb = ambiguous_edit(p1, files[p1], rng)
        if amb is None:
            return None
        edits, op = [amb], "line"
        if fmt == "udiff":
            # A second, unique change in the same diff: its hunk shows whether the diff's line numbers are right.
            op, more = make_edit(p1, amb.new or "", rng)
            edits, op = [Edit(p1, files[p1], more.new, amb.fn)], f"line+{op}"
    elif defect == "new_file":
        edits, op = [Edit(f"Lib/caret_new_{rng.randrange(10**6)}.py", None, NEW_MODULE)], "create"
    elif defect == "delete_file":
        edits, op = [Edit(p1, files[p1], None)], "delete"
    else:
        op, edit = make_edit(p1, files[p1], rng)
        edits = [edit]
        if defect == "two_files":
            op2, edit2 = make_edit(p2, files[p2], rng)
            edits.append(edit2)
            op = f"{op}+{op2}"
    reply = render(edits, fmt, defect, rng)
    if reply is None:
        return None
    expect = {e.path: e.new for e in edits}
    if defect == "missing_path":
        reply = reply.replace(p1, f"Lib/missing_{rng.randrange(10**6)}.py")
        expect = None
    elif defect.startswith("ambiguous") and (fmt != "udiff" or defect == "ambiguous_wrong_numbers"):
        expect = None  # a udiff's correct line number names the place; without one, the reply is ambiguous
    elif defect == "not_there":
        # A block copied from another module (not in the workspace): its text is nowhere in the named file.
        other = rng.choice([m for m in MODULES if m not in mods])
        _, stray = make_edit(p1, (stdlib / other).read_text(encoding="utf-8"), rng)
        reply = render([stray], fmt, "none", rng)
        if reply is None:
            return None
        expect = None
    elif defect == "truncated":
        reply = reply[: len(reply) * 2 // 3]  # the model ran out of tokens inside the block
        expect = None
    paths = sorted(set(files) | {e.path for e in edits})
    return Case(f"{fmt}/{defect}/{op}/{p1}", fmt, defect, files, reply, expect, defect in ("crlf", "bare") and
                defect == "crlf", paths)


def build_cases(stdlib: Path, rng: random.Random) -> list[Case]:
    """Every (format, defect) of PLAN, INSTANCES times, on random modules and functions."""
    cases = []
    for fmt, defects in PLAN.items():
        for defect in defects:
            made, tries = 0, 0
            while made < INSTANCES and tries < 60:
                tries += 1
                case = _instance(stdlib, fmt, defect, rng)
                if case is not None:
                    cases.append(case)
                    made += 1
    return cases
