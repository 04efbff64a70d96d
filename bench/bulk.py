"""Rendering 1,000 certificates with `flask certificates render --all`: 2 workers against 1.

Runs in the order 1, 2, 2, 1 workers and compares the means: a machine whose speed drifts
during the benchmark (virtual machines do) then slows both sides alike."""

import statistics
import time

from bench.fixtures import bench_app, certificates

COUNT = 1000
ORDER = (1, 2, 2, 1)


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
    times: dict[int, list[float]] = {1: [], 2: []}
    for workers in ORDER:
        elapsed = render_all(app, workers)
        times[workers].append(elapsed)
        print(
            f"{COUNT} certificates, {workers} worker{'s' if workers > 1 else ''}: {elapsed:.1f} s ({COUNT / elapsed:.1f}/s)"
        )
    one, two = statistics.mean(times[1]), statistics.mean(times[2])
    print(f"mean: 1 worker {one:.1f} s, 2 workers {two:.1f} s")
    return one / two, "x faster"
