"""A people import's memory, as the job worker runs it: 500 and 2,000 rows, each in a fresh
process (peak resident memory is per process), with the site's scrypt password hash.

Each child builds a SQLite site with the demo regions and a Kolkata cell head, imports a CSV of
N sahayaks with `sheets.import_with_sheet` (the import job's own work: check, hash, sheet CSV
and PDF, commit) and reports its resident memory before, its peak, and the time taken.

The final value is the peak growth for 2,000 rows ÷ that for 500 (flat memory: close to 1)."""

import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = (500, 2_000)
NAMES = ["অনুপম মুখোপাধ্যায়", "राजेश कुमार शर्मा", "Mary D'Souza"]
LANGS = ["bn", "hi", "en"]


def people_csv(count: int) -> bytes:
    """A CSV of `count` sahayaks in the demo's Bhabanipur booth, in three languages."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "phone", "region", "lang"])
    for n in range(count):
        writer.writerow([f"{NAMES[n % 3]} {n}", f"{8_000_000_000 + n}", "BOOTH-BHA-001", LANGS[n % 3]])
    return out.getvalue().encode()


def resident_kb() -> int:
    """This process's resident memory now (kB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def child(count: int) -> dict:
    """Import `count` people in this process; its memory and time."""
    from bench.fixtures import bench_app
    from lms.demo.cli import REGIONS_CSV
    from lms.people import sheets
    from lms.people.regions import import_regions
    from lms.people.services import check_person, create_user

    app = bench_app(Path(tempfile.mkdtemp(prefix="lms-bench-imports-")))
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # noqa: S105 (the site's own hash method, as in a worker)
    with app.app_context():
        import_regions(REGIONS_CSV.read_bytes(), "regions.csv")
        head = create_user(check_person("সুচিত্রা দাস", "9000000004", "cell_head", "bn", "WB-KOL"), "bench-pass")
        data = people_csv(count)
        sheets.sheet_pdf([])  # WeasyPrint loaded and its fonts read, as in a worker that rendered before
        before = resident_kb()
        started = time.perf_counter()
        issued, _token = sheets.import_with_sheet(data, "people.csv", head)
        seconds = time.perf_counter() - started
        assert len(issued) == count
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": count, "before_mb": before / 1024, "peak_mb": peak / 1024, "seconds": seconds}


def run() -> tuple[float, str]:
    """Each size in a fresh process; print the table; the growth ratio."""
    results = {}
    for count in ROWS:
        command = [sys.executable, "-m", "bench.imports", str(count)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
        results[count] = json.loads(done.stdout.strip().splitlines()[-1])
    print("rows    before   peak    growth   time")
    for count, figures in results.items():
        growth = figures["peak_mb"] - figures["before_mb"]
        print(
            f"{count:>5,}  {figures['before_mb']:6.0f} MB {figures['peak_mb']:5.0f} MB "
            f"{growth:5.0f} MB  {figures['seconds']:6.1f} s"
        )
    small, large = (results[count]["peak_mb"] - results[count]["before_mb"] for count in ROWS)
    return large / small, "x (peak growth, 2,000 rows ÷ 500)"


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]))))
