"""Crawl a documentation site into plain-text pages (stdlib only: urllib in threads, html.parser).

The crawl stays inside the start URL's site (same scheme, host and path prefix), follows links
breadth-first, honours robots.txt, fetches at most `max_pages` HTML pages with a per-request timeout, and
never raises for a bad page: each failure is a one-line entry in `CrawlReport.errors`.
"""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

USER_AGENT = "caret-docs/0.1 (+https://pypi.org/project/caret/)"
MAX_PAGE_BYTES = 5 * 1024 * 1024
_SKIP_TAGS = frozenset({"script", "style", "nav", "noscript", "template", "svg", "head", "iframe"})
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "br", "tr", "table", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "hr", "figure", "figcaption", "form", "details", "summary",
})
_ASSET_RE = re.compile(r"\.(png|jpe?g|gif|svg|ico|webp|css|js|mjs|map|zip|gz|tgz|bz2|xz|pdf|whl|woff2?|ttf|"
                       r"eot|mp4|mp3|webm|json|xml|txt)$", re.IGNORECASE)


@dataclass(frozen=True)
class CrawledPage:
    url: str
    title: str
    text: str  # plain text; headings are written as Markdown '#' lines so the chunker can split on them


@dataclass
class CrawlReport:
    start_url: str
    pages: list[CrawledPage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crawled_at: float = 0.0


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content_type: str
    body: str


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.title = ""
        self.base: str | None = None
        self._skip = 0  # depth inside dropped elements
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "body":
            self._skip = 0  # pages that never close <head> would otherwise lose their whole body
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")  # links inside <nav> still lead to pages worth crawling
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if self._skip:
            return
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "pre":
            self._pre += 1
            self.parts.append("\n```\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.parts.append("\n\n")
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
            self.parts.append("\n```\n")
        elif tag in _BLOCK_TAGS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip:
            return
        self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> tuple[str, str, list[str], str | None]:
    """(title, text, raw hrefs, <base href>) of an HTML page; script/style/nav/head are dropped."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup; keep what it read
        pass
    text = "".join(parser.parts)
    lines = [ln.rstrip() if ln.startswith(("```", "    ")) else ln.strip() for ln in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return " ".join(parser.title.split()), text, parser.links, parser.base


def scope_prefix(start_url: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path prefix) that crawled URLs must share with the start URL."""
    parts = urlsplit(start_url)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    prefix = path.rsplit("/", 1)[0] + "/" if "." in last or path.endswith("/") else path.rstrip("/") + "/"
    return parts.scheme.lower(), parts.netloc.lower(), prefix


def in_scope(url: str, start_url: str) -> bool:
    scheme, host, prefix = scope_prefix(start_url)
    parts = urlsplit(url)
    path = parts.path or "/"
    return (
        parts.scheme.lower() == scheme and parts.netloc.lower() == host
        and (path.startswith(prefix) or path + "/" == prefix)
    )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch_url(url: str, timeout_s: float) -> FetchResult:
    """GET one URL (blocking). HTTP errors come back as a status, transport errors raise OSError."""
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})] if _is_loopback(url) else []
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain"})
    try:
        with opener.open(req, timeout=timeout_s) as resp:
            ctype = resp.headers.get("Content-Type", "")
            raw = resp.read(MAX_PAGE_BYTES + 1)
            charset = resp.headers.get_content_charset() or "utf-8"
            final = resp.geturl()
            status = resp.status
    except urllib.error.HTTPError as exc:
        return FetchResult(url, exc.code, "", "")
    if len(raw) > MAX_PAGE_BYTES:
        raise OSError(f"page larger than {MAX_PAGE_BYTES} bytes")
    try:
        body = raw.decode(charset, errors="replace")
    except LookupError:
        body = raw.decode("utf-8", errors="replace")
    return FetchResult(final, status, ctype.split(";")[0].strip().lower(), body)


def _robots(start_url: str, timeout_s: float, fetch: Callable[[str, float], FetchResult]) -> Callable[[str], bool]:
    parts = urlsplit(start_url)
    try:
        res = fetch(f"{parts.scheme}://{parts.netloc}/robots.txt", timeout_s)
    except (OSError, ValueError, http.client.HTTPException):
        return lambda _url: True
    if res.status != 200:
        return lambda _url: True
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(res.body.splitlines())
    return lambda url: parser.can_fetch(USER_AGENT, url)


def _normalize_link(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("mailto:", "javascript:", "tel:", "data:")):
        return None
    url, _frag = urldefrag(urljoin(base, href))
    if urlsplit(url).scheme not in {"http", "https"} or _ASSET_RE.search(urlsplit(url).path):
        return None
    return url


async def crawl_site(
    start_url: str,
    *,
    max_pages: int = 200,
    timeout_s: float = 10.0,
    concurrency: int = 4,
    fetch: Callable[[str, float], FetchResult] = fetch_url,
) -> CrawlReport:
    """Breadth-first crawl of `start_url`'s site; pages come back sorted by URL."""
    report = CrawlReport(start_url, crawled_at=time.time())
    allowed = await asyncio.to_thread(_robots, start_url, timeout_s, fetch)
    queue: asyncio.Queue[str] = asyncio.Queue()
    seen = {start_url}
    queue.put_nowait(start_url)
    attempts = 0
    max_attempts = max_pages * 3  # a site full of broken links still ends

    async def visit(url: str) -> None:
        nonlocal attempts
        attempts += 1
        if not allowed(url):
            report.errors.append(f"{url}: disallowed by robots.txt")
            return
        try:
            res = await asyncio.to_thread(fetch, url, timeout_s)
        except (OSError, ValueError, http.client.HTTPException) as exc:  # timeouts, refusals, bad URLs
            report.errors.append(f"{url}: {getattr(exc, 'reason', None) or exc}")
            return
        if res.status != 200:
            report.errors.append(f"{url}: HTTP {res.status}")
            return
        if not in_scope(res.url, start_url):
            report.errors.append(f"{url}: redirected off-site to {res.url}")
            return
        if res.content_type not in {"text/html", "application/xhtml+xml", "text/plain", ""}:
            report.errors.append(f"{url}: skipped {res.content_type}")
            return
        links: list[str] = []
        base: str | None = None
        if res.content_type == "text/plain":
            title, text = res.url.rsplit("/", 1)[-1], res.body
        else:
            title, text, links, base = html_to_text(res.body)
        if len(report.pages) >= max_pages:
            return
        report.pages.append(CrawledPage(res.url, title or res.url, text))
        for href in links:
            link = _normalize_link(href, urljoin(res.url, base) if base else res.url)
            if link and link not in seen and in_scope(link, start_url):
                seen.add(link)
                queue.put_nowait(link)

    async def worker() -> None:
        while True:
            url = await queue.get()
            try:
                if len(report.pages) < max_pages and attempts < max_attempts:
                    await visit(url)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(max(1, concurrency))]
    try:
        await queue.join()
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    report.pages.sort(key=lambda p: p.url)
    return report
