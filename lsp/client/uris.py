"""file:// URIs built and read in one place: quoted on the way out, unquoted and normalised on the way in.

Servers quote paths their own way (upper or lower case hex, which characters are left alone), so a uri
from a server is rebuilt from its path before it is compared with ours.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse


def path_to_uri(path: str | Path) -> str:
    """The quoted file uri of a path (a space or a non-ASCII letter is percent-encoded)."""
    return Path(path).absolute().as_uri()


def uri_to_path(uri: str) -> str:
    """A file uri's path; any other uri is returned unchanged."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    return unquote(parsed.path)


def canonical_uri(uri: str) -> str:
    """The uri as path_to_uri would write it, so the same file always has the same key."""
    path = uri_to_path(uri)
    return uri if path == uri else path_to_uri(path)
