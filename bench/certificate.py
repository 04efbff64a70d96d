"""One certificate render against a bare WeasyPrint one-line PDF, in the same process.

Also timed, for context: a plain page of as many one-line paragraphs as a certificate
prints, with the same reused fonts and no QR code. It shows the floor that WeasyPrint's
cost per laid-out line sets for any page carrying a certificate's text."""

import statistics
import time
from collections.abc import Callable

from weasyprint import CSS, HTML

from bench.fixtures import bench_app, certificates
from lms.certificates.models import Certificate
from lms.certificates.pdf import render_certificate
from lms.extensions import db
from lms.pdf import _font_config, _fonts_stylesheet

ROUNDS = 40
LINES = 20  # a bilingual certificate prints about 20 lines of text


def timed(functions: list[Callable[[], object]], rounds: int) -> list[float]:
    """Median seconds of each function, calls interleaved so machine noise hits all alike."""
    for function in functions * 2:
        function()
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(rounds):
        for function, bucket in zip(functions, samples, strict=True):
            start = time.perf_counter()
            function()
            bucket.append(time.perf_counter() - start)
    return [statistics.median(bucket) for bucket in samples]


def plain_lines() -> Callable[[], bytes]:
    """A page of LINES short paragraphs, rendered with the certificate's reused fonts."""
    html = "".join(f"<p>Line {n} of a page of plain text</p>" for n in range(LINES))
    family = CSS(string="html { font-family: 'LMS Noto Sans' } p { margin: 0 }", font_config=_font_config())
    sheets = [_fonts_stylesheet(), family]
    return lambda: HTML(string=html).write_pdf(stylesheets=sheets, font_config=_font_config())


def run() -> tuple[float, str]:
    app = bench_app()
    with app.app_context():
        ids = certificates(3)
        certs = [db.session.get(Certificate, cert_id) for cert_id in ids]
        with app.test_request_context():
            turn = iter(range(10**9))
            certificate, bare, lines = timed(
                [
                    lambda: render_certificate(certs[next(turn) % 3]),
                    lambda: HTML(string="<p>Sahayak LMS</p>").write_pdf(),
                    plain_lines(),
                ],
                ROUNDS,
            )
    print(f"certificate render: {certificate * 1000:.1f} ms (median of {ROUNDS}, names in three scripts)")
    print(f"bare one-line PDF:  {bare * 1000:.1f} ms (median of {ROUNDS})")
    print(
        f"{LINES} plain lines:     {lines * 1000:.1f} ms ({lines / bare:.2f} x the bare PDF; no QR, one font)"
    )
    return certificate / bare, "x"
