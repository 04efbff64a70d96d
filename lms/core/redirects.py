"""Where the site sends a browser back to: only ever a path of its own, never another site
(`next` in a link, the Referer of a refused form)."""

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site (no control characters, which would break
    the Location header, and no backslash, which browsers read as a slash)."""
    if target and target.isprintable() and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def back() -> str:
    """The page the request came from, if it is one of this site's; else home. A Referer is
    sent by the browser and may name any site: only its path is kept, and only when it names
    this site's own address."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return url_for("main.home")
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
