"""One certificate render against a bare WeasyPrint one-line PDF, in the same process.

Both reuse one FontConfiguration, as every render in a process does (`lms/core/pdf.py`); the bare
PDF with a new one per call, the yardstick before, is printed for comparison. Also timed, for
context: the same certificates carrying an emblem and a signature, and a plain page of as many
one-line paragraphs as a certificate prints, with the same reused fonts and no QR code (the
floor that WeasyPrint's cost per laid-out line sets for any page carrying a certificate's
text). Last, where a certificate's time goes: a cProfile run, cumulative time per stage."""

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable

import weasyprint
from flask import render_template
from pydyf import PDF
from weasyprint import CSS, HTML
from weasyprint.css import get_all_computed_styles
from weasyprint.document import Page
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.layout import layout_document
from weasyprint.pdf import _use_references
from weasyprint.pdf.fonts import build_fonts_dictionary

from bench.fixtures import bench_app, certificates
from lms.auth.models import User
from lms.certificates import artwork, services
from lms.certificates.models import Certificate
from lms.certificates.pdf import render_certificate
from lms.core.pdf import _font_config, _fonts_stylesheet
from lms.core.qr import qr_print_png_data_uri
from lms.extensions import db
from tests.pictures import picture

ROUNDS = 40
PROFILED = 60
LINES = 20  # a bilingual certificate prints about 20 lines of text
STAGES = {  # a stage's cost: the cumulative time of the call that does it
    "layout": layout_document,
    "drawing": Page.paint,
    "QR code (segno, PNG)": qr_print_png_data_uri,
    "CSS (cascade)": get_all_computed_styles,
    "boxes": build_formatting_structure,
    "HTML parse": HTML.__init__,
    "images into PDF": _use_references,
    "PDF write": PDF.write,
    "font subsetting": build_fonts_dictionary,
    "template (Jinja)": render_template,
}


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


def in_turn(certs: list[Certificate]) -> Callable[[], bytes]:
    """A render of the next certificate of the list, round and round."""
    turn = iter(range(10**9))
    return lambda: render_certificate(certs[next(turn) % len(certs)])


def plain_lines() -> Callable[[], bytes]:
    """A page of LINES short paragraphs, rendered with the certificate's reused fonts."""
    html = "".join(f"<p>Line {n} of a page of plain text</p>" for n in range(LINES))
    family = CSS(string="html { font-family: 'LMS Noto Sans' } p { margin: 0 }", font_config=_font_config())
    sheets = [_fonts_stylesheet(), family]
    return lambda: HTML(string=html).write_pdf(stylesheets=sheets, font_config=_font_config())


def with_artwork(certs: list[Certificate]) -> list[Certificate]:
    """The same people's certificates issued again once their cell head uploaded an emblem
    and a signature (the first ones revoked)."""
    head = db.session.execute(db.select(User).filter_by(role="cell_head")).scalar_one()
    artwork.upload(head, "emblem", "WB-KOL", picture(400, 400))
    artwork.upload(head, "signature", "WB-KOL", picture(600, 150), "Ritwik Sen, Cell head")
    pairs = [(cert.user_id, cert.course_id) for cert in certs]
    for cert in certs:
        services.revoke(head, cert.code, "error", "issued again with artwork")
    return services.issue(head, pairs)[0]


def stage_costs(render: Callable[[], bytes], median: float) -> list[tuple[str, float]]:
    """Seconds per render for each stage: its share of the profiled time, times the median
    (the profiler slows Python code more than the C libraries it calls)."""
    profile = cProfile.Profile()
    profile.runcall(lambda: [render() for _ in range(PROFILED)])
    stats = pstats.Stats(profile).stats
    total = stats[_key(render_certificate)][3]
    costs = []
    for name, function in STAGES.items():
        seconds = stats[_key(function)][3] if _key(function) in stats else 0.0
        costs.append((name, seconds / total * median))
    return costs


def _key(function) -> tuple[str, int, str]:
    """The function's key in cProfile's statistics."""
    code = function.__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def run() -> tuple[float, str]:
    app = bench_app()
    with app.app_context():
        certs = [db.session.get(Certificate, cert_id) for cert_id in certificates(3)]
        with app.test_request_context():
            certificate = in_turn(certs)
            with_art = in_turn(with_artwork(certs))
            timings = timed(
                [
                    certificate,
                    lambda: HTML(string="<p>Sahayak LMS</p>").write_pdf(font_config=_font_config()),
                    lambda: HTML(string="<p>Sahayak LMS</p>").write_pdf(),
                    with_art,
                    plain_lines(),
                ],
                ROUNDS,
            )
            cert, bare, bare_new, art, lines = timings
            stages = stage_costs(certificate, cert)
    print(f"certificate render: {cert * 1000:.1f} ms (median of {ROUNDS}, names in three scripts)")
    print(f"  with emblem and signature: {art * 1000:.1f} ms ({art / bare:.2f} x the bare PDF)")
    print(f"bare one-line PDF:  {bare * 1000:.1f} ms (median of {ROUNDS}, one reused FontConfiguration)")
    print(f"  with a new FontConfiguration per call: {bare_new * 1000:.1f} ms (the yardstick before)")
    print(
        f"{LINES} plain lines:     {lines * 1000:.1f} ms ({lines / bare:.2f} x the bare PDF; no QR, one font)"
    )
    print(
        f"stages of a certificate render (cProfile, {PROFILED} renders, weasyprint {weasyprint.__version__}):"
    )
    for name, seconds in stages:
        print(f"  {name:20} {seconds * 1000:5.1f} ms  {seconds / cert:4.0%}")
    rest = cert - sum(seconds for _, seconds in stages)
    print(f"  {'everything else':20} {rest * 1000:5.1f} ms  {rest / cert:4.0%}")
    return cert / bare, "x"
