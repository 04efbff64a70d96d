"""The one seam around WeasyPrint: HTML in, PDF bytes out, with the bundled fonts."""

import atexit
from functools import cache
from pathlib import Path

from flask import current_app, render_template

FONTS_DIR = Path(__file__).parent.parent / "static" / "fonts"


# WeasyPrint is imported inside functions: it is slow to import and only PDF pages need it.
@cache
def _font_config():
    """One FontConfiguration per process: building it is the slow part of a render."""
    from weasyprint.text.fonts import FontConfiguration

    # Free it before interpreter shutdown tears down the libraries its destructor needs.
    atexit.register(_font_config.cache_clear)
    atexit.register(_fonts_stylesheet.cache_clear)
    atexit.register(_stylesheet.cache_clear)
    atexit.register(_basic_html_stylesheet.cache_clear)
    return FontConfiguration()


def fonts_css() -> str:
    """@font-face rules for the Noto fonts shipped in lms/static/fonts/."""
    rules = []
    for family, stem in (
        ("LMS Noto Sans", "NotoSans"),
        ("LMS Noto Sans Bengali", "NotoSansBengali"),
        ("LMS Noto Sans Devanagari", "NotoSansDevanagari"),
    ):
        for weight, style in (("normal", "Regular"), ("bold", "Bold")):
            url = (FONTS_DIR / f"{stem}-{style}.ttf").as_uri()
            rules.append(
                f"@font-face {{ font-family: '{family}'; font-weight: {weight}; src: url('{url}'); }}"
            )
    return "\n".join(rules)


@cache
def _fonts_stylesheet():
    """The @font-face rules, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=fonts_css(), font_config=_font_config())


@cache
def _stylesheet(path: str):
    """A stylesheet file, parsed once per process (parsing is a large part of a render)."""
    from weasyprint import CSS

    return CSS(filename=path, font_config=_font_config())


# What a template of only html, head, body, div, p and img needs from a browser's
# stylesheet, as WeasyPrint's own has it.
BASIC_HTML_CSS = """
html, body, div, p { display: block }
head { display: none }
img { overflow: hidden }
"""


@cache
def _basic_html_stylesheet():
    """BASIC_HTML_CSS, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=BASIC_HTML_CSS)


@cache
def _basic_html():
    """WeasyPrint's HTML class with BASIC_HTML_CSS for its user-agent stylesheet (the way
    WeasyPrint's own tests swap it)."""
    from weasyprint import HTML

    class BasicHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            """BASIC_HTML_CSS, whatever the document (it has no forms)."""
            return [_basic_html_stylesheet()]

    return BasicHTML


def render_pdf(template: str, stylesheet: str | None = None, *, basic_html: bool = False, **context) -> bytes:
    """Render a Jinja template to HTML and then to PDF bytes, with the bundled fonts and,
    if given, a stylesheet beside the templates (e.g. "certificates/certificate.css").

    `basic_html`: the template uses only the elements BASIC_HTML_CSS styles, so that replaces
    WeasyPrint's stylesheet for all of HTML (matching its rules against every element, and
    its page-margin rules against the page, is about a tenth of a certificate's render)."""
    from weasyprint import HTML

    html = render_template(template, **context)
    base_url = str(Path(current_app.root_path) / "static")
    sheets = [_fonts_stylesheet()]
    if stylesheet:
        sheets.append(_stylesheet(str(Path(current_app.template_folder) / stylesheet)))
    document = (_basic_html() if basic_html else HTML)(string=html, base_url=base_url)
    return document.write_pdf(stylesheets=sheets, font_config=_font_config())
