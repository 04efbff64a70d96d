"""The programme's 40,000 certificates pre-rendered with `flask certificates render --all
--workers 2`, projected from 2,000 of them (twice; the machine's speed drifts)."""

import statistics

from bench.bulk import render_all
from bench.fixtures import bench_app, certificates

COUNT = 2000
PROGRAMME = 40_000
WORKERS = 2
RUNS = 2


def run() -> tuple[float, str]:
    app = bench_app()
    with app.app_context():
        certificates(COUNT)
    runs = []
    for _ in range(RUNS):
        elapsed = render_all(app, WORKERS)
        runs.append(elapsed)
        print(f"{COUNT} certificates, {WORKERS} workers: {elapsed:.1f} s ({COUNT / elapsed:.1f}/s)")
    minutes = statistics.mean(runs) * PROGRAMME / COUNT / 60
    print(f"{PROGRAMME:,} certificates at the mean rate: {minutes:.1f} min")
    return minutes, "min"
