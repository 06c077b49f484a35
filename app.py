"""caret: `python app.py [PATH]` opens the terminal IDE; `python app.py lsp|complete|config ...` the others."""

from __future__ import annotations

import sys


def main() -> None:
    from cli.main import main as run

    sys.exit(run())


if __name__ == "__main__":
    main()
