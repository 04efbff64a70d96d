"""Security headers on every response; requests carrying NUL characters refused."""

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


# Endpoints whose answers are the same for everyone and may be kept: the stylesheet and
# fonts, and the images of published course versions.
CACHEABLE = {"static", "courses.asset"}


def init_app(app: Flask) -> None:
    """Refuse NUL characters before every request; add the headers after it."""
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)


def refuse_nul_characters() -> None:
    """A NUL in the path, the query or a form field is never typed by a person, and PostgreSQL
    refuses it in any text (a 500 wherever a value reaches a query): 400 before any view."""
    query = request.query_string
    values = [request.path]
    if b"%00" in query or b"\x00" in query:  # decoded, some argument holds a NUL
        values += [*request.args.keys(), *request.args.values()]
    if request.method == "POST":  # form fields; uploaded files are checked by each import
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)


SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
]


def add_security_headers(response: Response) -> Response:
    """A strict CSP (no inline script or style) and the usual hardening headers; a response
    that set any of them itself keeps its own."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}  # one pass: setdefault scans each time
    headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
    if request.endpoint not in CACHEABLE or response.status_code not in (200, 304):
        # Pages, PDFs, sheets and CSV exports show personal data and one-time passwords:
        # no browser or proxy keeps a copy ("no-cache" would still let them store it).
        headers["Cache-Control"] = "no-store"
    return response
