"""Versioned static URLs: the stylesheet is fetched once and then kept for a year."""

import hashlib
import re
from pathlib import Path

from lms.core.assets import _content_hash

STYLESHEET = Path(__file__).parent.parent / "lms" / "static" / "style.css"


def stylesheet_href(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert match, "no stylesheet link"
    return match.group(1)


def test_pages_link_the_stylesheet_by_content_hash(client):
    digest = hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:10]
    assert stylesheet_href(client) == f"/static/style.css?v={digest}"


def test_versioned_stylesheet_is_cached_for_a_year(client):
    with client.get(stylesheet_href(client)) as response:
        assert response.status_code == 200
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600
        assert not cache.no_cache


def test_unversioned_static_files_are_not_cached_for_long(client):
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert not response.cache_control.immutable
        assert (response.cache_control.max_age or 0) < 3600


def test_a_changed_file_gets_a_new_version(tmp_path):
    first, second = tmp_path / "a.css", tmp_path / "b.css"
    first.write_text("p { color: red }")
    second.write_text("p { color: blue }")
    assert _content_hash(str(first)) != _content_hash(str(second))


def test_pages_declare_an_icon_so_browsers_do_not_ask_for_favicon_ico(client):
    assert '<link rel="icon" href="data:,">' in client.get("/login").get_data(as_text=True)
