"""`caret doctor`'s checks: what a user needs, each tried for real and answered as plain data with what to do.

Each check returns a `Check` (name, ok, detail, hint); `run_checks` runs them all over a Session. Nothing here
prints: cli/doctor_cmd.py turns the list into one line per check or JSON. No check raises: a failure is a Check
with ok=False, and its hint says what to do about it. API keys never appear in a detail or a hint.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from context.docs import DocsError, DocsLibrary
from context.languages import detect_language
from context.store import IndexStore
from engine.session import Session
from models.base import GenerationParams, Model, ModelError
from models.registry import ModelSpec
from prompts import Message

OPENAI_BASE_URL = "https://api.openai.com/v1"  # what a remote model uses when nothing else is configured
MODEL_TIMEOUT_S = 120.0  # loading a model and one token; a first use may assemble the embedded Gemma file
SERVER_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Check:
    """One thing caret needs, tried: whether it works, what was found, and what to do when it does not."""

    name: str
    ok: bool
    detail: str
    hint: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The check as JSON-ready data."""
        return asdict(self)


# -- the llama.cpp build --


def cpu_flags(cpuinfo: str) -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo's text (empty when unknown)."""
    match = re.search(r"^flags\s*:(.*)$", cpuinfo, re.MULTILINE)
    return set(match.group(1).split()) if match else set()


def llama_build_check(system_info: str, cpu: set[str], version: str = "") -> Check:
    """Whether llama.cpp was built with AVX2, from `llama_print_system_info()`'s text and the CPU's flags: a build
    without it on a CPU that has it decodes several times slower."""
    features = set(re.findall(r"\b([A-Z0-9_]+) = 1", system_info))
    shown = ", ".join(f for f in ("AVX2", "FMA", "F16C", "AVX512", "AMX_INT8") if f in features) or "none"
    name = "llama.cpp build"
    detail = f"llama-cpp-python {version}: SIMD {shown}".replace(" :", ":")
    if "AVX2" in features:
        return Check(name, True, detail)
    if cpu and "avx2" not in cpu:
        return Check(name, True, f"{detail} (this CPU has no AVX2)")
    return Check(name, False, f"{detail}: no AVX2, local models decode several times slower",
                 'rebuild llama-cpp-python with CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON '
                 '-DGGML_F16C=ON" (as `make setup` does)')


def check_llama_build() -> Check:
    """The installed llama-cpp-python's build, on this CPU."""
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info()
    except (ImportError, OSError) as exc:
        return Check("llama.cpp build", False, f"llama-cpp-python cannot load: {exc}",
                     "reinstall it: `make setup` builds a portable AVX2 wheel")
    text = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    return llama_build_check(text, cpu_flags(cpuinfo), getattr(llama_cpp, "__version__", ""))


# -- models --


def model_groups(session: Session, roles: Iterable[str] = ("chat", "edit", "completion")) -> dict[ModelSpec, list[str]]:
    """The distinct model choices and the roles that share each (chat and edit usually share one)."""
    groups: dict[ModelSpec, list[str]] = {}
    for role in roles:
        groups.setdefault(session.model_spec(role), []).append(role)
    return groups


def roles_text(roles: list[str]) -> str:
    """"chat", "chat and edit", "chat, edit and completion"."""
    return " and ".join([", ".join(roles[:-1]), roles[-1]] if len(roles) > 1 else roles)


def base_url_of(spec: ModelSpec) -> str:
    """The server a remote model talks to, resolved as the model itself resolves it."""
    return (spec.base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_BASE_URL).rstrip("/")


def model_where(spec: ModelSpec) -> str:
    """How a user names the model: the embedded name or file, or the id and its server."""
    return spec.model if spec.provider == "local" else f"{spec.model} on {base_url_of(spec)}"


def model_hint(spec: ModelSpec, roles: list[str]) -> str:
    """What to do when a role's model does not answer."""
    key = f"models.{roles[0]}.model"
    if spec.provider == "local":
        return (f"choose another with --model / {key} (smollm2-135m-instruct, gemma-3-270m or a .gguf path), "
                "or a server with --provider openai --base-url URL")
    return f"check {key} and models.{roles[0]}.base_url (or OPENAI_BASE_URL), and that the server runs"


async def one_token(model: Model, chat: bool) -> str:
    """Generate one token: a chat turn for chat models, else a raw continuation."""
    params = GenerationParams(max_tokens=1, temperature=0.0)
    if chat and model.capabilities.chat:
        stream = model.stream_chat([Message("user", "Say OK.")], params)
    else:
        stream = model.stream_completion("def add(a, b):\n    return", params)
    try:
        return await stream.text()
    finally:
        stream.cancel()


async def check_model(session: Session, spec: ModelSpec, roles: list[str], timeout_s: float = MODEL_TIMEOUT_S) -> Check:
    """Load the model for `roles` (or reach its server), generate one token, and time both."""
    name = f"{roles_text(roles)} model"
    where = model_where(spec)
    try:
        model = session.model(roles[0])
        started = time.perf_counter()
        await asyncio.wait_for(model.warm_up(), timeout_s)
        loaded = time.perf_counter()
        await asyncio.wait_for(one_token(model, chat=roles[0] != "completion"), timeout_s)
        done = time.perf_counter()
    except ModelError as exc:
        return Check(name, False, f"{where}: {exc}", model_hint(spec, roles))
    except TimeoutError:
        return Check(name, False, f"{where}: no answer in {timeout_s:g} s", model_hint(spec, roles))
    verb = "loaded" if spec.provider == "local" else "reached"
    first_ms = (done - loaded) * 1000
    return Check(name, True, f"{where}: {verb} in {loaded - started:.1f} s, first token in {first_ms:.0f} ms")


# -- a remote server --


def list_models(base_url: str, api_key: str, timeout_s: float = SERVER_TIMEOUT_S) -> list[str]:
    """GET {base_url}/models: the model ids the server lists. Raises urllib/OSError/ValueError as they come."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    request = urllib.request.Request(f"{base_url}/models", headers=headers)
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        data = json.loads(response.read().decode("utf-8"))
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError("no `data` list")
    return [str(entry.get("id")) for entry in entries if isinstance(entry, dict)]


def _server_failure(exc: BaseException, base_url: str, setting: str) -> tuple[str, str]:
    """(detail, hint) for a failed GET /models."""
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in (401, 403):
            return (f"{base_url} rejected the API key (HTTP {exc.code})",
                    f"set OPENAI_API_KEY (or {setting.replace('base_url', 'api_key')}) to a key this server accepts")
        if exc.code == 404:
            return (f"{base_url}/models not found (HTTP 404)",
                    "the base URL of an OpenAI-compatible server usually ends in /v1")
        return f"{base_url} answered HTTP {exc.code} to GET /models", "see the server's log"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        what = "connection refused"
    elif isinstance(reason, TimeoutError):
        what = f"no answer in {SERVER_TIMEOUT_S:g} s"
    elif isinstance(exc, ValueError):
        return (f"{base_url}/models is not an OpenAI-compatible model list ({exc})",
                "check the base URL: it should end in /v1")
    else:
        what = str(getattr(reason, "strerror", None) or reason)
    return (f"cannot reach {base_url}: {what}",
            f"start the server, or point {setting} (or OPENAI_BASE_URL, --base-url) at one that runs")


async def check_remote_server(spec: ModelSpec, roles: list[str],
                              fetch: Callable[[str, str], list[str]] = list_models) -> Check:
    """Reachable, the key accepted, and the model listed, for a remote model's server."""
    base_url = base_url_of(spec)
    name = f"server for the {roles_text(roles)} model"
    key = spec.api_key or os.environ.get("OPENAI_API_KEY", "")
    if not key and urlsplit(base_url).hostname == "api.openai.com":
        return Check(name, False, f"{base_url}: no API key", "set OPENAI_API_KEY")
    try:
        listed = await asyncio.to_thread(fetch, base_url, key)
    except (OSError, ValueError) as exc:  # urllib's errors are OSErrors
        detail, hint = _server_failure(exc, base_url, f"models.{roles[0]}.base_url")
        return Check(name, False, detail, hint)
    if spec.model not in listed:
        some = ", ".join(listed[:8]) + (" ..." if len(listed) > 8 else "") or "none"
        return Check(name, False, f"{base_url}: reachable, key accepted, but model '{spec.model}' is not listed "
                     f"(listed: {some})", f"set models.{roles[0]}.model (or CARET_MODEL) to a listed id")
    return Check(name, True, f"{base_url}: reachable, key accepted, '{spec.model}' listed")


# -- the index and docs --


def _files(count: int) -> str:
    return f"{count} file" + ("" if count == 1 else "s")


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def check_index(root: Path, workspace_files: int, now: float | None = None) -> Check:
    """How many files .caret/index holds, of those in the workspace, and how old it is. Never a failure: the index
    builds in the background when the editor or `caret lsp` starts."""
    store = IndexStore(root)
    if not store.path.exists():
        return Check("index", True, f"not built yet ({_files(workspace_files)} in the workspace); it builds when the "
                     "editor or `caret lsp` starts", "or run `caret index` now")
    age = (now if now is not None else time.time()) - store.path.stat().st_mtime
    indexed = len(store.load())
    detail = f"{indexed} of {_files(workspace_files)} indexed in .caret/index, updated {_age(age)} ago"
    return Check("index", True, detail)


def check_docs(library: DocsLibrary, now: float | None = None) -> list[Check]:
    """One check per `[docs.NAME]` source: a site crawled or not (and when), a folder or modules readable."""
    checks = []
    for name in library.names():
        source = library.source(name)
        label = f"docs {name}"
        if source.kind == "url":
            when = library.crawled_at(name)
            if when is None:
                checks.append(Check(label, False, f"{source.location} not crawled yet",
                                    "it is crawled in the background when the editor or `caret lsp` starts "
                                    "(network needed)"))
                continue
            age = (now if now is not None else time.time()) - when
            stale = " (stale: re-crawled at the next start)" if age > source.max_age_s else ""
            checks.append(Check(label, True, f"{source.location} crawled {_age(age)} ago{stale}"))
            continue
        try:
            chunks = len(library.load_chunks(name))
        except DocsError as exc:
            checks.append(Check(label, False, str(exc), f"fix docs.{name}.{source.kind} in .caret/config.toml"))
            continue
        ok = chunks > 0
        checks.append(Check(label, ok, f"{source.kind} {source.location}: {chunks} chunks",
                            "" if ok else f"docs.{name}.{source.kind} holds no readable text"))
    return checks


def workspace_languages(files: Iterable[str]) -> dict[str, str]:
    """{language: the first file in it} for the workspace's files."""
    found: dict[str, str] = {}
    for rel in files:
        language = detect_language(rel)
        if language is not None:
            found.setdefault(language, rel)
    return found


# -- all of them --


async def run_checks(session: Session) -> list[Check]:
    """Every check, in the order a user reads them: the build, models (servers first), language servers, the index,
    docs. The session's models and servers are closed by the caller (`session.aclose()`)."""
    checks = [check_llama_build()]
    for spec, roles in model_groups(session).items():
        if spec.provider != "local":
            server = await check_remote_server(spec, roles)
            checks.append(server)
            if not server.ok:
                name = f"{roles_text(roles)} model"
                checks.append(Check(name, False, f"{model_where(spec)}: not tried, its server failed the check above",
                                    "fix the server first (the line above)"))
                continue
        checks.append(await check_model(session, spec, roles))
    files = await asyncio.to_thread(session.workspace_files)
    if session.config["lsp.enabled"]:
        from engine.doctor_lsp import check_language_servers  # it imports Check from here

        checks.extend(await check_language_servers(session, workspace_languages(files)))
    else:
        checks.append(Check("language servers", True, "disabled (lsp.enabled = false)"))
    checks.append(await asyncio.to_thread(check_index, session.root, len(files)))
    checks.extend(await asyncio.to_thread(check_docs, session._project.docs))
    return checks
