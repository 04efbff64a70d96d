"""Static files under versioned URLs (?v=<content hash>), cached by browsers for a year:
a phone on 2G then fetches the stylesheet once, not once per page."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

from lms.core.kept import kept

YEAR = 365 * 24 * 3600


@cache
def _content_hash(path: str) -> str:
    """A short hash of a file; a changed file gets a new URL after a restart."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """The URL of a file in lms/static/, carrying its content hash (kept per mount point)."""
    return kept("asset_urls", (filename, request.script_root), lambda: _versioned_url(filename), 100)


def _versioned_url(filename: str) -> str:
    version = _content_hash(str(Path(current_app.static_folder) / filename))
    return url_for("static", filename=filename, v=version)


def cache_versioned(response: Response) -> Response:
    """Let browsers keep a versioned static file for a year without asking again."""
    if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    """Offer asset_url() to templates and cache what it points to."""
    app.add_template_global(asset_url)
    app.after_request(cache_versioned)
