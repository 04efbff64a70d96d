"""Looking for active content the way a browser or PDF reader would find it: HTML parsed
with the standard library's parser (not a regex), PDFs read with poppler's tools."""

import re
import zlib
from html.parser import HTMLParser

from tests.pdfs import poppler

# Elements that run code, load other documents or restyle the page; the site uses none.
ACTIVE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
ACTIVE_ELEMENTS |= {"portal", "noscript", "template", "foreignobject", "animate", "set", "handler"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data"}
URL_ATTRIBUTES |= {"cite", "longdesc", "manifest", "ping", "srcset", "codebase", "lowsrc", "dynsrc"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside a scheme: "java\tscript:"


class ActiveContent(HTMLParser):
    """Collects what in a page could run script, and the page's text and attribute values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_ELEMENTS:
            self.found.append(f"<{tag}> element")
        if tag == "link" and dict(attrs).get("rel") not in ("stylesheet", "icon"):
            self.found.append(f"<link rel={dict(attrs).get('rel')!r}>")
        if tag == "meta" and dict(attrs).get("http-equiv"):
            self.found.append(f"<meta http-equiv={dict(attrs)['http-equiv']!r}>")
        for name, value in attrs:
            self._attribute(tag, name, value or "")
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])

    handle_startendtag = handle_starttag

    def _attribute(self, tag: str, name: str, value: str) -> None:
        self.text.append(value)
        if name.startswith("on") or name in ("style", "srcdoc"):
            self.found.append(f"<{tag} {name}=…>")
        if name in URL_ATTRIBUTES:
            scheme = SCHEME.match(INVISIBLE.sub("", value).lower())
            if scheme and scheme.group(1) not in SAFE_SCHEMES and not _inert_data(tag, value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        self.text.append(data)


def _inert_data(tag: str, value: str) -> bool:
    """data: URLs that cannot run: a picture, or the empty icon every page names."""
    return (tag == "img" and value.startswith("data:image/")) or (tag == "link" and value == "data:,")


def inspect_html(html: str) -> ActiveContent:
    """Parse a page: `.found` (active content), `.text` (text and attribute values), `.links`."""
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in the order it is drawn, as poppler's pdftotext reads it, without
    whitespace (lines may break anywhere a long name allows, e.g. after a "/")."""
    return "".join(poppler(pdf, "pdftotext", "-raw", "-enc", "UTF-8", "{path}", "-").split())


def pdf_actions(pdf: bytes) -> list[str]:
    """JavaScript, launch actions and javascript: links in a PDF (none is acceptable)."""
    found = [
        line
        for line in poppler(pdf, "pdfinfo", "-js", "{path}").splitlines()[1:]
        if "javascript" in line.lower()
    ]
    urls = poppler(pdf, "pdfinfo", "-url", "{path}").splitlines()[1:]
    found += [url for url in urls if not url.split()[-1].lower().startswith(("http://", "https://"))]
    objects = _dictionaries(pdf)
    found += [
        name
        for name in ("/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/SubmitForm")
        if re.search(rf"{name}\b".encode(), objects)
    ]
    return found


def _dictionaries(pdf: bytes) -> bytes:
    """The PDF's objects without stream data (fonts, images), plus its object streams
    decompressed: a compressed PDF keeps most dictionaries inside those."""
    parts = [re.sub(rb"stream\r?\n.*?endstream", b"", pdf, flags=re.DOTALL)]
    for match in re.finditer(rb"/Type\s*/ObjStm[^>]*>>\s*stream\r?\n", pdf):
        parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
    return b"\n".join(parts)
