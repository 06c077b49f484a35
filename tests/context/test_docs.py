"""Docs sources: chunking, local folders, a real crawl of a local HTTP server, and installed-package APIs."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from context.docs import DocsError, DocsLibrary, DocsSource, default_cache_dir, tokenize
from context.docs_chunking import MAX_CHUNK_CHARS, chunk_markdown, chunk_rst
from context.docs_crawl import crawl_site, html_to_text, in_scope
from context.docs_pydoc import PydocError, find_module_source, module_pages, workspace_site_packages

# --- chunking -----------------------------------------------------------------------------------------------


def test_markdown_chunks_by_heading_and_ignores_fenced_hashes() -> None:
    text = "intro line\n# Guide\nabout\n## Retries\nuse backoff\n```sh\n# not a heading\n```\n# API\ncalls\n"
    chunks = chunk_markdown(text, "guide.md")
    assert [(c.title, c.line) for c in chunks] == [
        ("guide.md", 1), ("Guide", 2), ("Guide > Retries", 4), ("API", 9),
    ]
    assert "# not a heading" in chunks[2].text


def test_rst_chunks_by_adornment_levels() -> None:
    text = "=====\nTitle\n=====\n\nintro\n\nInstall\n-------\n\npip it\n\nUsage\n-------\n\ncall it\n"
    chunks = chunk_rst(text, "x.rst")
    assert [c.title for c in chunks] == ["Title", "Title > Install", "Title > Usage"]
    assert chunks[1].text == "pip it"


def test_long_sections_are_split() -> None:
    para = ("word " * 100).strip()
    chunks = chunk_markdown("# Big\n" + "\n\n".join([para] * 12), "big.md")
    assert len(chunks) > 1 and all(len(c.text) <= MAX_CHUNK_CHARS for c in chunks)
    assert {c.title for c in chunks} == {"Big"}


def test_html_to_text_drops_script_style_nav_keeps_links() -> None:
    html = (
        "<html><head><title>The  Title</title><style>.x{}</style></head><body>"
        "<nav><a href='nav.html'>Nav link text</a></nav><script>var hidden = 1;</script>"
        "<h1>Heading</h1><p>Some <b>bold</b>\n text.</p><pre>  indented\n    code</pre>"
        "<ul><li>one</li><li>two</li></ul></body></html>"
    )
    title, text, links, _base = html_to_text(html)
    assert title == "The Title"
    assert "Nav link text" not in text and "hidden" not in text and ".x{}" not in text
    assert "# Heading" in text and "Some bold text." in text and "    code" in text and "- two" in text
    assert links == ["nav.html"]


def test_scope() -> None:
    start = "http://127.0.0.1:8000/docs/index.html"
    assert in_scope("http://127.0.0.1:8000/docs/api/x.html", start)
    assert not in_scope("http://127.0.0.1:8000/blog/x.html", start)
    assert not in_scope("http://127.0.0.1:9999/docs/x.html", start)
    assert not in_scope("https://127.0.0.1:8000/docs/x.html", start)


def test_tokenize_splits_identifiers() -> None:
    assert tokenize("Use backoff_factor and HTTPAdapter") == [
        "use", "backoff_factor", "backoff", "factor", "httpadapter", "http", "adapter",
    ]


# --- a real site on 127.0.0.1 -------------------------------------------------------------------------------

PAGES = {
    "/robots.txt": "User-agent: *\nDisallow: /docs/private/\n",
    "/docs/index.html": (
        "<html><head><title>Home</title></head><body><nav><a href='nav-only.html'>menu</a></nav>"
        "<h1>Welcome</h1><p>Start with the <a href='guide.html#intro'>guide</a>.</p>"
        "<a href='/docs/api/ref.html'>API</a> <a href='missing.html'>broken</a>"
        "<a href='/blog/post.html'>blog</a> <a href='http://example.invalid/docs/x.html'>elsewhere</a>"
        "<a href='private/secret.html'>private</a> <a href='logo.png'>logo</a>"
        "<a href='mailto:a@b.c'>mail</a></body></html>"
    ),
    "/docs/guide.html": "<h1>Guide</h1><h2 id=intro>Retries</h2><p>Set backoff_factor for retries.</p>"
                        "<a href='index.html'>home</a>",
    "/docs/api/ref.html": "<title>Reference</title><h1>Client</h1><p>Client.get fetches a resource.</p>",
    "/docs/nav-only.html": "<h1>Nav page</h1><p>Reached only through the navigation.</p>",
    "/docs/private/secret.html": "<p>robots.txt says no</p>",
    "/blog/post.html": "<p>out of the docs prefix</p>",
    "/slow/index.html": "<h1>Slow site</h1><a href='hang.html'>hang</a><a href='fast.html'>fast</a>",
    "/slow/fast.html": "<h1>Fast</h1>",
}
HANG_S = 2.0


class _Handler(BaseHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self) -> None:
        type(self).requested.append(self.path)
        if self.path == "/slow/hang.html":
            time.sleep(HANG_S)  # longer than the crawl's per-request timeout
        body = PAGES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        ctype = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:  # keep test output clean
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    requested: list[str] = []
    handler = type("Handler", (_Handler,), {"requested": requested})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/docs/index.html", requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_crawl_stays_in_site_and_reports_errors(site: tuple[str, list[str]]) -> None:
    start, requested = site
    report = await crawl_site(start, max_pages=20, timeout_s=5)
    base = start.rsplit("/", 1)[0]
    assert [p.url for p in report.pages] == [
        f"{base}/api/ref.html", f"{base}/guide.html", f"{base}/index.html", f"{base}/nav-only.html",
    ]
    assert set(requested) == {
        "/robots.txt", "/docs/index.html", "/docs/guide.html", "/docs/api/ref.html", "/docs/nav-only.html",
        "/docs/missing.html",
    }  # not the blog, the private page, the image, or the other host
    assert f"{base}/missing.html: HTTP 404" in report.errors
    assert any("private/secret.html" in e and "robots" in e for e in report.errors)
    guide = next(p for p in report.pages if p.url.endswith("guide.html"))
    assert "## Retries" in guide.text and "backoff_factor" in guide.text
    assert report.pages[0].title == "Reference"


async def test_crawl_respects_max_pages(site: tuple[str, list[str]]) -> None:
    start, _ = site
    report = await crawl_site(start, max_pages=2, timeout_s=5)
    assert len(report.pages) == 2


async def test_crawl_per_request_timeout(site: tuple[str, list[str]]) -> None:
    start, _ = site
    slow = start.replace("/docs/index.html", "/slow/index.html")
    report = await crawl_site(slow, max_pages=10, timeout_s=0.3)
    assert sorted(p.url.rsplit("/", 1)[1] for p in report.pages) == ["fast.html", "index.html"]
    assert len(report.errors) == 1 and "hang.html" in report.errors[0] and "timed out" in report.errors[0]


async def test_background_crawl_fills_the_cache(site: tuple[str, list[str]], tmp_path: Path) -> None:
    start, _ = site
    lib = DocsLibrary([DocsSource("site", "url", start), DocsSource("f", "folder", str(tmp_path))],
                      cache_dir=tmp_path / "cache")
    tasks = lib.start_background()
    assert len(tasks) == 1 and lib.start_background() == []  # one crawl per source at a time
    assert "crawling" in lib.status("site")
    with pytest.raises(DocsError, match="still being crawled"):
        lib.search("site", "retries", 1)
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    assert lib.search("site", "retries", 1)[0].title == "Guide > Retries"


async def test_crawl_of_dead_server_is_an_error_not_a_crash() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    report = await crawl_site(f"http://127.0.0.1:{port}/docs/", max_pages=5, timeout_s=2)
    assert report.pages == [] and len(report.errors) == 1


async def test_library_url_source_caches_and_recrawls_only_when_stale(
    site: tuple[str, list[str]], tmp_path: Path
) -> None:
    start, requested = site
    lib = DocsLibrary([DocsSource("site", "url", start, max_pages=10, max_age_s=3600)], cache_dir=tmp_path)
    with pytest.raises(DocsError, match="not been crawled"):
        lib.search("site", "retries", 3)
    assert lib.is_stale("site")
    report = await lib.refresh("site")
    assert report is not None and len(report.pages) == 4
    cache = json.loads((tmp_path / "docs" / "site" / "pages.json").read_text())
    assert cache["url"] == start and abs(cache["crawled_at"] - time.time()) < 3600
    hits = lib.search("site", "how do retries back off", 2)
    assert hits and hits[0].location.endswith("guide.html") and "backoff_factor" in hits[0].text

    count = len(requested)
    assert await lib.refresh("site") is None and len(requested) == count  # fresh cache: no network
    assert lib.is_stale("site", now=time.time() + 7200)
    assert "crawled" in lib.status("site")

    # A new library (a new session) reads the same cache without crawling.
    again = DocsLibrary([DocsSource("site", "url", start, max_age_s=3600)], cache_dir=tmp_path)
    assert again.search("site", "Client.get resource", 1)[0].location.endswith("ref.html")
    assert again.start_background() == [] and len(requested) == count


def test_default_cache_dir_honours_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "caret"


# --- local folder -------------------------------------------------------------------------------------------

def test_folder_source_formats_and_problems(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "guide.md").write_text("# Install\npip install thing\n\n# Configure\nSet THING_HOME to the data dir.\n")
    (docs / "sub" / "api.rst").write_text("API\n===\n\nconnect(url) opens a session.\n")
    (docs / "page.html").write_text("<h1>Logging</h1><p>Call enable_logging() early.</p><script>x()</script>")
    (docs / "notes.txt").write_text("Plain notes about caching strategy.\n")
    (docs / "blob.md").write_bytes(b"\x00\x00binary")
    (docs / "image.png").write_bytes(b"\x89PNG")
    lib = DocsLibrary([DocsSource("local", "folder", "docs")], cache_dir=tmp_path / "cache", root=tmp_path)
    assert lib.search("local", "THING_HOME data directory", 1)[0].title == "Configure"
    assert lib.search("local", "connect session", 1)[0].title == "API"
    assert lib.search("local", "enable logging", 1)[0].title == "Logging"
    assert lib.search("local", "caching strategy", 1)[0].title == "notes.txt"
    assert lib.search("local", "zzzunmatched", 3) == []
    assert lib.problems("local") == ["blob.md: binary file; skipped"]
    with pytest.raises(DocsError, match="unknown docs source 'nope'; configured: local"):
        lib.search("nope", "x", 1)


def test_bad_sources_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DocsError, match="not an http"):
        DocsSource("x", "url", "ftp://host/")
    with pytest.raises(DocsError, match="name"):
        DocsSource("../evil", "folder", ".")
    lib = DocsLibrary([DocsSource("gone", "folder", str(tmp_path / "missing"))], cache_dir=tmp_path)
    with pytest.raises(DocsError, match="does not exist"):
        lib.search("gone", "x", 1)


# --- installed Python packages ------------------------------------------------------------------------------

@pytest.fixture
def site_packages(tmp_path: Path) -> Path:
    sp = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    pkg = sp / "fakepkg"
    (pkg / "tests").mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        '"""Fake package for tests."""\nraise SystemExit("importing is not allowed")\n'
        "__all__ = ['connect']\n\ndef connect(url: str, *, retries: int = 3) -> 'Client':\n"
        '    """Open a client for url."""\n\ndef hidden():\n    pass\n'
    )
    (pkg / "client.py").write_text(
        "class Client(Base, metaclass=Meta):\n"
        '    """Talks to the server."""\n    timeout: float = 5.0\n'
        "    def __init__(self, url):\n        pass\n"
        "    async def fetch(self, path: str) -> bytes:\n"
        '        """Fetch path with backoff_factor retries."""\n'
        "    def _private(self):\n        pass\n"
    )
    (pkg / "_internal.py").write_text("def secret_helper(): ...\n")
    (pkg / "tests" / "test_x.py").write_text("def test_nothing(): ...\n")
    (pkg / "broken.py").write_text("def broken(:\n")
    (sp / "single.py").write_text('"""A one-file module."""\ndef f(a, b=2):\n    """Add."""\n')
    return sp


def test_module_pages_read_source_without_importing(site_packages: Path) -> None:
    pages, problems = module_pages("fakepkg", [str(site_packages)])
    assert [p.module for p in pages] == ["fakepkg", "fakepkg.client"]  # no _internal, tests, or broken
    init, client = pages[0].text, pages[1].text
    assert "## def connect(url: str, *, retries: int=3) -> 'Client'" in init and "hidden" not in init
    assert "## class Client(Base, metaclass=Meta)" in client and "- timeout: float = 5.0" in client
    assert "### async def Client.fetch(self, path: str) -> bytes" in client and "_private" not in client
    assert "### def Client.__init__(self, url)" in client
    assert len(problems) == 1 and "broken.py" in problems[0] and "SyntaxError" in problems[0]
    single, _ = module_pages("single", [str(site_packages)])
    assert "## def f(a, b=2)" in single[0].text
    sub, _ = module_pages("fakepkg.client", [str(site_packages)])
    assert [p.module for p in sub] == ["fakepkg.client"]


def test_find_module_errors(site_packages: Path) -> None:
    with pytest.raises(PydocError, match="no installed module"):
        find_module_source("does_not_exist_pkg", [str(site_packages)])
    with pytest.raises(PydocError, match="built into the interpreter"):
        find_module_source("sys")
    with pytest.raises(PydocError, match="compiled extension"):
        find_module_source("numpy._core._multiarray_umath")
    with pytest.raises(PydocError, match="no submodule"):
        find_module_source("fakepkg.nope", [str(site_packages)])


def test_python_source_uses_workspace_venv_and_real_installed_package(site_packages: Path) -> None:
    root = site_packages.parents[3]
    assert workspace_site_packages(root) == [str(site_packages)]
    lib = DocsLibrary([DocsSource("fake", "python", "fakepkg")], cache_dir=root / "cache", root=root)
    hit = lib.search("fake", "fetch with retries", 1)[0]
    assert hit.title.endswith("async def Client.fetch(self, path: str) -> bytes")
    # A real dependency from caret's own environment (no workspace venv: sys.path).
    real = DocsLibrary([DocsSource("pathspec", "python", "pathspec")], cache_dir=root / "cache")
    titles = [c.title for c in real.search("pathspec", "GitIgnoreSpec from lines", 5)]
    assert any("GitIgnoreSpec" in t for t in titles)
