"""A small documentation site on 127.0.0.1 (http.server in a thread), for tests of `[docs.NAME] url = ...`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGES = {
    "/": "<html><head><title>Frob docs</title></head><body><h1>Frob</h1><p>Start with the"
         ' <a href="setup.html">setup</a> and the <a href="speed.html">speed</a> pages.</p></body></html>',
    "/setup.html": '<html><head><title>Setup</title></head><body><h1>Setup</h1><p>Install the frobnicator with'
                   ' pip. Back to <a href="/">the start</a> or on to <a href="speed.html">speed</a>.</p></body></html>',
    "/speed.html": "<html><head><title>Speed</title></head><body><h1>Speed</h1><p>The frobnicator spins at"
                   ' exactly 4242 rpm when the zanzibar setting is on. See <a href="setup.html">setup</a>.</p>'
                   "</body></html>",
}
FACT = "The frobnicator spins at exactly 4242 rpm"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = PAGES.get(self.path)
        body = (page or "not found").encode()
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if page else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows stderr on failure
        pass


@contextmanager
def docs_site() -> Iterator[str]:
    """The site's start URL while the `with` block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
