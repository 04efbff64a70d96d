"""Rendering 1,000 certificates with `flask certificates render --all`: 2 workers against 1."""

import time

from bench.fixtures import bench_app, certificates

COUNT = 1000


def render_all(app, workers: int) -> float:
    """Seconds for the CLI command to render every certificate."""
    runner = app.test_cli_runner()
    start = time.perf_counter()
    result = runner.invoke(args=["certificates", "render", "--all", "--workers", str(workers)])
    elapsed = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    return elapsed


def run() -> tuple[float, str]:
    app = bench_app()
    with app.app_context():
        certificates(COUNT)
    one = render_all(app, 1)
    two = render_all(app, 2)
    print(f"{COUNT} certificates, 1 worker:  {one:.1f} s ({COUNT / one:.1f}/s)")
    print(f"{COUNT} certificates, 2 workers: {two:.1f} s ({COUNT / two:.1f}/s)")
    return one / two, "x faster"
