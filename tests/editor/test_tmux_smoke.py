"""caret's real TUI in a real 80x24, 256-colour terminal (tmux): the screen a user sees, read back as text.

Opens a folder, finds a file with Ctrl+P, types into it, saves with Ctrl+S and quits with Ctrl+Q."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from tests.editor.tmux import REPO, Tmux, until

SOURCE = "def area(r):\n    return 3.14 * r * r\n"
TYPED = "print(area(2))"
TRUE_COLOUR = re.compile(r"\x1b\[[0-9;]*[34]8;2;")
PALETTE_256 = re.compile(r"\x1b\[[0-9;]*[34]8;5;")


def test_open_type_save_quit_in_80x24_with_256_colours(tmp_path: Path, tmux: Tmux) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "shapes.py").write_text(SOURCE)
    # A 256-colour terminal: TERM says so and COLORTERM (truecolor) is not set.
    env = {"HOME": str(tmp_path / "home"), "TERM": "xterm-256color", "PYTHONPATH": str(REPO)}
    command = f"{sys.executable} -m app {workspace} --set completion.enabled=false --set lsp.enabled=false"
    tmux.start("ide", command, env, size=(80, 24))

    assert until(lambda: "shapes.py" in tmux.screen("ide"), 60), tmux.screen("ide")
    # The footer's keys fit in the bottom rows.
    assert until(lambda: "Quit" in "".join(tmux.screen("ide").rstrip().split("\n")[-2:]), 10), tmux.screen("ide")

    tmux.keys("ide", "C-p")
    assert until(lambda: "Open file" in tmux.screen("ide"), 10), tmux.screen("ide")
    tmux.keys("ide", "shapes", literal=True)
    assert until(lambda: tmux.screen("ide").count("shapes.py") >= 2, 10), tmux.screen("ide")
    tmux.keys("ide", "Enter")
    assert until(lambda: "return 3.14 * r * r" in tmux.screen("ide"), 10), tmux.screen("ide")

    time.sleep(0.5)  # the palette is still closing when the file shows: keys sent then go to it, not the code
    tmux.keys("ide", "C-End")
    tmux.keys("ide", TYPED, literal=True)
    assert until(lambda: TYPED in tmux.screen("ide"), 10), tmux.screen("ide")
    screen = tmux.screen("ide", escapes=True)
    assert PALETTE_256.search(screen) and not TRUE_COLOUR.search(screen)  # Textual drew with the 256 palette

    tmux.keys("ide", "C-s")
    assert until(lambda: "saved shapes.py" in tmux.screen("ide"), 10), tmux.screen("ide")
    assert (workspace / "shapes.py").read_text() == SOURCE + TYPED + "\n"  # the trailing newline is kept

    tmux.keys("ide", "C-q")  # nothing unsaved: no question, the app exits and tmux closes the session
    assert until(lambda: "ide" not in tmux.run("list-sessions"), 15), tmux.screen("ide")
