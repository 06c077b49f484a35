"""The terminal IDE's own speed (issue 13): launch to an interactive editor (the model loads in the background and
is reported apart), keystroke-to-repaint with a 10,000-line Python file open (ghost text off, then on with the
embedded model), time to open a 100,000-line file (to its first frame; and to the frame with its highlights, after
the parse), CPU while idle with a file open, peak memory.

Keystroke latency is the app's own handling, not the Pilot harness: a key event is handed to the app as the
terminal driver would, and the clock stops at the end of the first frame that shows it (the compositor's update,
turned into the bytes a terminal would get). Keys are typed at ~10 characters/s, so ghost-text requests (60 ms
debounce) run between them as they would for a person.

Usage: .venv/bin/python bench/tui.py [--quick]   (--quick: fewer keys, 10 s idle instead of 60 s)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {"interactive_s": 1.0, "keystroke_ms_p95": 16.0, "open_100k_s": 1.0, "idle_cpu_pct": 1.0}
SIZE = (120, 40)
KEY_GAP_S = 0.1  # ~10 characters/s
GHOST_OFF = {"completion.enabled": "false"}
TYPED_LINE = "total = compute(value, limit) + offset"


def python_source(lines: int) -> str:
    """A plausible Python module of `lines` lines: classes with methods, comments, strings, numbers."""
    out: list[str] = ['"""Generated for bench/tui.py."""', "", "import math", ""]
    number = 0
    while len(out) < lines:
        out += [
            f"class Shape{number}:",
            f'    """Shape number {number}, with an area and a label."""',
            "",
            "    def __init__(self, size: float) -> None:",
            "        self.size = size  # the side or the radius",
            "",
            "    def area(self) -> float:",
            f"        return math.pi * self.size ** 2 + {number}",
            "",
            "    def label(self) -> str:",
            f'        return f"shape {number}: {{self.area():.2f}}"',
            "",
        ]
        number += 1
    return "\n".join(out[:lines]) + "\n"


def cpu_seconds_tree(pid: int | None = None) -> float:
    """User + system CPU seconds of a process and all its descendants (a language server, a model process)."""
    pid = os.getpid() if pid is None else pid
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14, 15)
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds_tree(int(child))
    except (OSError, IndexError, ValueError):
        pass  # a process that ended meanwhile
    return total


def own_cpu_seconds() -> float:
    """User + system CPU seconds of this process alone (all its threads)."""
    times = os.times()
    return times.user + times.system


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile of `values` (nearest rank); 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def make_app_class() -> type:
    """CaretApp plus a frame hook: each compositor update resolves the waiters whose condition it satisfies."""
    import editor.app
    from editor.app import CaretApp

    class BenchApp(CaretApp):
        CSS_PATH = str(Path(editor.app.__file__).with_name("app.tcss"))  # relative paths follow the subclass
        waiters: list[tuple[Callable[[], bool], asyncio.Future[float]]]

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if renderable is None:
                return
            render = getattr(renderable, "render_segments", None)
            if self.is_headless and render is not None:
                render(self.console)  # what a real terminal driver would build and write
            now = time.perf_counter()
            for entry in list(getattr(self, "waiters", [])):
                check, future = entry
                if not future.done() and check():
                    future.set_result(now)
                    self.waiters.remove(entry)

        def frame_when(self, check: Callable[[], bool]) -> asyncio.Future[float]:
            """A future resolved with the time of the first frame drawn once `check()` holds."""
            future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            if not hasattr(self, "waiters"):
                self.waiters = []
            self.waiters.append((check, future))
            return future

    return BenchApp


def key_event(character: str) -> Any:
    """The Key event a terminal driver sends for one typed character ("\\n" is Enter)."""
    from textual import events
    from textual.keys import _character_to_key

    if character == "\n":
        return events.Key("enter", "\r")
    return events.Key(_character_to_key(character), character)


async def press(app: Any, character: str, timeout: float = 30.0) -> float | None:
    """Hand one key to the app; milliseconds until the first frame showing its effect (None: no such frame)."""
    code = app.code
    before = (code.cursor_location, code.document.line_count)
    done = app.frame_when(lambda: (code.cursor_location, code.document.line_count) != before)
    event = key_event(character)
    event.set_sender(app)
    start = time.perf_counter()
    app._driver.send_message(event)
    try:
        shown = await asyncio.wait_for(done, timeout)
    except TimeoutError:
        return None
    return (shown - start) * 1000


async def type_text(app: Any, text: str) -> tuple[list[float], int]:
    """Type `text` at KEY_GAP_S a key; each key's latency in ms, and how many keys never showed."""
    latencies: list[float] = []
    missed = 0
    for character in text:
        began = time.perf_counter()
        latency = await press(app, character)
        if latency is None:
            missed += 1
        else:
            latencies.append(latency)
        await asyncio.sleep(max(0.0, KEY_GAP_S - (time.perf_counter() - began)))
    return latencies, missed


async def wait_model(session: Any, timeout: float) -> str:
    """Wait until the completion model has loaded ("loaded"), failed (its message), or `timeout` passes."""
    from engine.events import ModelFailed, ModelLoaded

    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[str] = loop.create_future()

    def seen(event: object) -> None:
        if outcome.done():
            return
        if isinstance(event, ModelLoaded) and event.role == "completion":
            outcome.set_result("loaded")
        elif isinstance(event, ModelFailed) and event.role == "completion":
            outcome.set_result(event.message)

    unsubscribe = session.subscribe(seen)
    try:
        return await asyncio.wait_for(outcome, timeout)
    except TimeoutError:
        return "timeout"
    finally:
        unsubscribe()


def typing_script(keys: int) -> str:
    """`keys` characters of new lines typed into a method body (Enter auto-indents them)."""
    text = ""
    while len(text) < keys:
        text += TYPED_LINE + "\n"
    return text[:keys]


async def typing_run(root: Path, path: Path, flags: dict[str, str], keys: int, idle_s: float) -> dict[str, Any]:
    """Open `path`, type `keys` keys in the middle of it; then sit idle `idle_s` s. Latencies and idle CPU."""
    from engine.session import Session

    session = Session.open(root, env={}, flags=flags)
    app = make_app_class()(session, open_path=path)
    result: dict[str, Any] = {}
    async with app.run_test(size=SIZE):
        model_wait = asyncio.ensure_future(wait_model(session, 90)) if "completion.enabled" not in flags else None
        await asyncio.sleep(0.5)
        if model_wait is not None:
            result["model"] = await model_wait
        code = app.code
        middle = code.document.line_count // 2
        while not code.document.get_line(middle).startswith("        return"):
            middle += 1
        code.move_cursor((middle, len(code.document.get_line(middle))), center=True)
        await press(app, "\n")
        latencies, missed = await type_text(app, typing_script(keys))
        result.update(latencies=latencies, missed=missed)
        await asyncio.sleep(2.0)  # the last ghost request finishes; then the editor is left alone
        cpu, own = cpu_seconds_tree(), own_cpu_seconds()
        start = time.perf_counter()
        await asyncio.sleep(idle_s)
        elapsed = time.perf_counter() - start
        result["idle_cpu_pct"] = 100 * (cpu_seconds_tree() - cpu) / elapsed
        result["idle_cpu_editor_pct"] = 100 * (own_cpu_seconds() - own) / elapsed  # the rest: child processes
        app.keeper.discard()  # the typing is dropped: the next run must not start with the recovery question
    return result


async def big_file_run(root: Path, small: Path, big: Path, lines: int) -> dict[str, Any]:
    """Time from asking to open a `lines`-line file to the first frame showing it; then a few keys typed in it."""
    from engine.session import Session

    session = Session.open(root, env={}, flags=GHOST_OFF)
    app = make_app_class()(session, open_path=small)
    async with app.run_test(size=SIZE):
        await asyncio.sleep(0.5)
        shown = app.frame_when(lambda: app.code.document.line_count >= lines)
        highlighted = app.frame_when(lambda: app.code.document.line_count >= lines and not is_stale(app.code))
        start = time.perf_counter()
        app.open_file(big)
        open_s = await asyncio.wait_for(shown, 60) - start
        highlighted_s = await asyncio.wait_for(highlighted, 60) - start  # shown first, parsed after that frame
        app.code.move_cursor((lines // 2, 0), center=True)
        await asyncio.sleep(0.3)
        latencies, missed = await type_text(app, "x = 1\n" * 3)
        app.code.load_text("")  # leave without the unsaved-work question
    return {"open_s": open_s, "highlighted_s": highlighted_s, "latencies": latencies, "missed": missed}


def is_stale(code: Any) -> bool:
    """Whether the code view's document waits for a parse (a big file is shown before its first one)."""
    return bool(getattr(code.document, "stale", False))


async def launch_child(path: Path, spawned: float) -> None:
    """In a fresh process: seconds from spawning to the first frame with the file shown and focused, and to the
    completion model loaded. Prints one JSON line."""
    from engine.session import Session

    session = Session.open(path.parent, env={})
    app = make_app_class()(session, open_path=path)
    report: dict[str, Any] = {}
    model_wait = asyncio.ensure_future(wait_model(session, 120))
    async with app.run_test(size=SIZE):
        ready = app.frame_when(lambda: app.code.document.line_count > 1 and app.code.has_focus)
        await asyncio.wait_for(ready, 60)
        report["interactive_s"] = time.time() - spawned
        report["model"] = await model_wait
        report["model_loaded_s"] = time.time() - spawned
    print(json.dumps(report))


def launch(path: Path) -> dict[str, Any]:
    """Run launch_child in a new interpreter (imports included, as a user pays them)."""
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--launch-child", str(path), str(spawned)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"launch child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summary(name: str, latencies: list[float], missed: int) -> dict[str, float]:
    """p50/p95/max of one run's keystroke latencies, in ms."""
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"{name}: {len(latencies)} keys, p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(latencies, default=0):.1f} ms,"
          f" {missed} never shown", file=sys.stderr)
    return {f"{name}_ms_p50": round(p50, 1), f"{name}_ms_p95": round(p95, 1), f"{name}_missed": missed}


async def main(quick: bool) -> None:
    keys, idle_s = (60, 10.0) if quick else (200, 60.0)
    with tempfile.TemporaryDirectory(prefix="caret-bench-tui-") as tmp:
        root = Path(tmp)
        small, big = root / "shapes.py", root / "huge.py"
        small.write_text(python_source(10_000))
        started = launch(small)
        print(f"launch: {started}", file=sys.stderr)
        off = await typing_run(root, small, GHOST_OFF, keys, idle_s)
        on = await typing_run(root, small, {}, keys, idle_s)
        big.write_text(python_source(100_000))  # written late: the earlier runs' index never holds it
        opened = await big_file_run(root, small, big, 100_000)
    out: dict[str, Any] = {
        "interactive_s": round(started["interactive_s"], 3),
        "model_loaded_s": round(started["model_loaded_s"], 3),
        "model": on.get("model", started["model"]),
    }
    out |= summary("keystroke_ghost_off", off["latencies"], off["missed"])
    out |= summary("keystroke_ghost_on", on["latencies"], on["missed"])
    out["keystroke_ms_p95"] = max(out["keystroke_ghost_off_ms_p95"], out["keystroke_ghost_on_ms_p95"])
    out["open_100k_s"] = round(opened["open_s"], 3)
    out["open_100k_highlighted_s"] = round(opened["highlighted_s"], 3)
    out |= summary("keystroke_100k", opened["latencies"], opened["missed"])
    out["idle_cpu_pct"] = round(max(off["idle_cpu_pct"], on["idle_cpu_pct"]), 2)
    out["idle_cpu_ghost_off_pct"] = round(off["idle_cpu_pct"], 2)
    out["idle_cpu_ghost_on_pct"] = round(on["idle_cpu_pct"], 2)
    out["idle_cpu_ghost_on_editor_pct"] = round(on["idle_cpu_editor_pct"], 2)  # without the language server
    out["idle_s"] = idle_s
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["goals_met"] = all(out[key] <= limit for key, limit in GOALS.items())
    print(json.dumps(out))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer keys, 10 s of idle instead of 60 s")
    parser.add_argument("--launch-child", nargs=2, metavar=("PATH", "SPAWNED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.launch_child:
        asyncio.run(launch_child(Path(args.launch_child[0]), float(args.launch_child[1])))
    else:
        asyncio.run(main(args.quick))
