"""The one seam around python-markdown and nh3: trainer Markdown in, safe HTML out."""

import posixpath
import re
import unicodedata
from collections.abc import Callable

import markdown
import nh3

EXTENSIONS = ["tables", "fenced_code", "admonition", "footnotes", "sane_lists", "toc"]
ID_PREFIX = "c-"  # keeps trainer ids apart from the page's own (#main …)
ADMONITIONS = {
    "admonition",
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "danger",
    "attention",
    "error",
}
TAGS = nh3.ALLOWED_TAGS - {"area", "map", "center", "acronym", "strike", "tt", "font"}
ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()} | {
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "li": {"id"},
    "sup": {"id"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
}
# Classes are allowed per tag and value here (nh3 wants them absent from ATTRIBUTES).
CLASSES = {
    "div": ADMONITIONS | {"footnote"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
}
SCHEMES = {"http", "https", "mailto", "tel"}

Resolver = Callable[[str], str | None]


def slugify(value: str, separator: str) -> str:
    """Heading anchors that keep Bengali and Devanagari vowel signs (slugify_unicode drops them)."""
    value = unicodedata.normalize("NFC", value).strip().lower()
    kept = "".join(ch for ch in value if unicodedata.category(ch)[0] in "LMN" or ch in " -_")
    return re.sub(r"[\s-]+", separator, kept).strip(separator)


def render(text: str, resolve: Resolver) -> str:
    """Render Markdown and sanitise it; relative links go through `resolve` (None drops them)."""
    html = markdown.markdown(
        text,
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify}, "footnotes": {"BACKLINK_TITLE": ""}},
        output_format="html",
    )
    return sanitise(html, resolve)


def render_inline(text: str, resolve: Resolver) -> str:
    """Render one line (a question, an option) without its surrounding paragraph."""
    html = render(text, resolve).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def sanitise(html: str, resolve: Resolver) -> str:
    """Allow-list tags, attributes, classes and URL schemes; rewrite course-relative URLs."""

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in ("href", "src"):
            return value
        if value.startswith("#"):
            return f"#{ID_PREFIX}{value[1:]}"
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or value.startswith("//"):
            return value if tag == "a" else None  # images come only from the course
        return resolve(posixpath.normpath(value.split("#", 1)[0].split("?", 1)[0]))

    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=rewrite,
        id_prefix=ID_PREFIX,
    )
