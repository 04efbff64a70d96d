"""One certificate render against a bare WeasyPrint one-line PDF, in the same process."""

import statistics
import time

from weasyprint import HTML

from bench.fixtures import bench_app, certificates
from lms.certificates.models import Certificate
from lms.certificates.pdf import render_certificate
from lms.extensions import db

ROUNDS = 40


def timed_pair(first, second, rounds: int) -> tuple[float, float]:
    """Median seconds of each function, calls interleaved so machine noise hits both alike."""
    for _ in range(2):
        first(), second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for function, bucket in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            function()
            bucket.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def run() -> tuple[float, str]:
    app = bench_app()
    with app.app_context():
        ids = certificates(3)
        certs = [db.session.get(Certificate, cert_id) for cert_id in ids]
        with app.test_request_context():
            turn = iter(range(10**9))
            certificate, bare = timed_pair(
                lambda: render_certificate(certs[next(turn) % 3]),
                lambda: HTML(string="<p>Sahayak LMS</p>").write_pdf(),
                ROUNDS,
            )
    print(f"certificate render: {certificate * 1000:.1f} ms (median of {ROUNDS}, names in three scripts)")
    print(f"bare one-line PDF:  {bare * 1000:.1f} ms (median of {ROUNDS})")
    return certificate / bare, "x"
