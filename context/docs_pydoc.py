"""The API of an installed Python package as text, read from its source with `ast` (nothing is imported).

Reading source instead of importing keeps the user's dependencies from running code inside caret and lets
caret read a different environment (the workspace's virtualenv) than the one it runs in. The output is
Markdown-like text with one heading per module, class and function, so the docs chunker splits it there.
"""

from __future__ import annotations

import ast
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_SOURCE_BYTES = 1024 * 1024
MAX_FILES = 300
_SKIP_DIRS = frozenset({"tests", "test", "testing", "__pycache__", "_vendor", "vendor", "examples"})


class PydocError(Exception):
    """A one-line reason the module's API could not be read."""


@dataclass(frozen=True)
class ModulePage:
    module: str  # dotted name
    path: str  # source file
    text: str


def find_module_source(module: str, search_paths: Sequence[str] | None = None) -> tuple[Path, bool]:
    """(source path, is_package) of `module`, located without importing it or its parents."""
    paths = list(search_paths) if search_paths else None
    if module.split(".")[0] in sys.builtin_module_names:
        raise PydocError(f"{module}: built into the interpreter; no Python source to read")
    spec = None
    name = ""
    for part in module.split("."):
        name = f"{name}.{part}" if name else part
        locations = paths if spec is None else list(spec.submodule_search_locations or [])
        if spec is not None and not locations:
            raise PydocError(f"{name}: {spec.name} is a module, not a package")
        spec = importlib.machinery.PathFinder.find_spec(name, locations)
        if spec is None:
            if "." in name:
                raise PydocError(f"{name}: no submodule of that name")
            where = ", ".join(paths) if paths else "sys.path"
            raise PydocError(f"{name}: no installed module of that name (searched {where})")
    assert spec is not None
    is_pkg = spec.submodule_search_locations is not None
    origin = spec.origin
    if origin in (None, "namespace") and is_pkg:
        return Path(next(iter(spec.submodule_search_locations or []))), True  # namespace package: a folder
    if origin is None or origin in {"built-in", "frozen"}:
        raise PydocError(f"{module}: built into the interpreter; no Python source to read")
    if not origin.endswith((".py", ".pyi")):
        raise PydocError(f"{module}: compiled extension ({Path(origin).name}); no Python source to read")
    return Path(origin), is_pkg


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef, owner: str = "") -> str:
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    decos = [ast.unparse(d) for d in node.decorator_list]
    kind = next((f" ({d})" for d in decos if d in {"property", "staticmethod", "classmethod"}), "")
    name = f"{owner}.{node.name}" if owner else node.name
    return f"{prefix} {name}({ast.unparse(node.args)}){ret}{kind}"


def _public(name: str, exported: set[str] | None) -> bool:
    if exported is not None:
        return name in exported
    return not name.startswith("_")


def _exported_names(tree: ast.Module) -> set[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                return set(value)
    return None


def _doc(node: ast.AST) -> str:
    doc = ast.get_docstring(node, clean=True) if isinstance(
        node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    ) else None
    return (doc or "").strip()


def render_module(module: str, source: str) -> str:
    """Markdown-like API text of one module's source. Raises SyntaxError for unparsable source."""
    tree = ast.parse(source)
    exported = _exported_names(tree)
    out = [f"# module {module}", _doc(tree)]
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(node.name, exported):
            out += [f"## {_signature(node)}", _doc(node)]
        elif isinstance(node, ast.ClassDef) and _public(node.name, exported):
            bases = ", ".join(ast.unparse(b) for b in [*node.bases, *node.keywords])
            out += [f"## class {node.name}({bases})" if bases else f"## class {node.name}", _doc(node)]
            fields = [
                f"- {ast.unparse(item)}" for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                and not item.target.id.startswith("_")
            ]
            out += fields
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    not item.name.startswith("_") or item.name == "__init__"
                ):
                    out += [f"### {_signature(item, node.name)}", _doc(item)]
    return "\n\n".join(part for part in out if part) + "\n"


def _package_files(pkg_dir: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(pkg_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith(".py") and (f == "__init__.py" or not f.startswith("_")) and not f.startswith("test_"):
                found.append(Path(dirpath, f))
    return found


def module_pages(
    module: str, search_paths: Sequence[str] | None = None, *, max_files: int = MAX_FILES
) -> tuple[list[ModulePage], list[str]]:
    """API pages for `module` (and, for a package, its public submodules) plus one-line problems."""
    origin, is_pkg = find_module_source(module, search_paths)
    if is_pkg:
        pkg_dir = origin if origin.is_dir() else origin.parent
        files = _package_files(pkg_dir)
    else:
        pkg_dir, files = origin.parent, [origin]
    problems: list[str] = []
    if len(files) > max_files:
        problems.append(f"{module}: {len(files)} source files, read the first {max_files}")
        files = files[:max_files]
    pages: list[ModulePage] = []
    for path in files:
        rel = path.relative_to(pkg_dir).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        name = ".".join([module, *parts]) if is_pkg else module
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                problems.append(f"{path}: larger than {MAX_SOURCE_BYTES} bytes; skipped")
                continue
            text = render_module(name, path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, SyntaxError, ValueError, RecursionError) as exc:
            problems.append(f"{path}: cannot read its API ({type(exc).__name__}); skipped")
            continue
        pages.append(ModulePage(name, str(path), text))
    return pages, problems


def workspace_site_packages(root: Path) -> list[str]:
    """site-packages folders of the workspace's own virtualenv (.venv, venv, env), if any."""
    found = []
    for venv in (".venv", "venv", "env"):
        for lib in ("lib", "lib64"):
            found += [str(p) for p in sorted((root / venv / lib).glob("python3*/site-packages")) if p.is_dir()]
        win = root / venv / "Lib" / "site-packages"
        if win.is_dir():
            found.append(str(win))
    return list(dict.fromkeys(found))
