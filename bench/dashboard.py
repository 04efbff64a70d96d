"""The dashboard at 40,000 sahayaks: generation time, then median server time per page, and
every staff page that lists what grows with the programme (people, batches, certificates,
jobs, a batch's roster, a person, a course's history, the cascade, the per-question report)
with its size in HTML, for an admin (everything) and a district cell head.

SQLite by default; set BENCH_DATABASE_URI=postgresql+psycopg://… (an empty database)
to measure PostgreSQL."""

import os
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from lms import create_app
from lms.auth import sessions
from lms.auth.models import Region, User
from lms.batches.models import Membership
from lms.extensions import db

SAHAYAKS = 40_000
ROUNDS = 7


def build(uri: str, folder: Path):
    """Migrate, publish, seed the demo and generate the programme; return (app, seconds)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder)})
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["courses", "publish"]).exit_code == 0
    start = time.perf_counter()
    result = runner.invoke(args=["demo", "--scale", str(SAHAYAKS)])
    seconds = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    print(result.output.strip().splitlines()[-1])
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return app, seconds


def page_times(app) -> dict[str, float]:
    """Median milliseconds of the state page and every drill-down below it (districts, some ACs)."""
    with app.app_context():
        admin = db.session.execute(select(User).filter_by(role="admin")).scalars().first()
        codes = [
            "WB",
            *db.session.execute(
                select(Region.code).filter_by(kind="district").order_by(Region.code)
            ).scalars(),
        ]
        codes += ["GEN-AC-001", "GEN-AC-150", "GEN-AC-294", "GEN-AC-001-B001"]
    client = app.test_client()
    with client.session_transaction() as state:
        state["_user_id"], state["_fresh"] = str(admin.id), True
        with app.app_context():
            state[sessions.SESSION_KEY] = sessions.begin(admin.id, "bench")
    medians = {}
    for code in codes:
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            response = client.get("/reports/", query_string={"region": code})
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
        medians[code] = statistics.median(samples) * 1000
    return medians


STAFF_PAGES = [
    "/people/", "/people/?q=a", "/batches/", "/batches/?q=B", "/certificates/", "/certificates/?q=a",
    "/jobs/", "/reports/cascade", "/reports/quizzes",
]  # fmt: skip


def staff_pages(app) -> dict[str, tuple[float, int]]:
    """Median milliseconds and HTML bytes of each staff page, for an admin and a cell head."""
    with app.app_context():
        admin = db.session.execute(select(User).filter_by(role="admin")).scalars().first()
        head = (
            db.session.execute(select(User).filter_by(role="cell_head").order_by(User.id)).scalars().first()
        )
        biggest = db.session.execute(
            select(Membership.batch_id).group_by(Membership.batch_id).order_by(func.count().desc()).limit(1)
        ).scalar_one()
        person = db.session.execute(
            select(Membership.user_id).where(Membership.batch_id == biggest).limit(1)
        ).scalar_one()
        people = [(admin, f"/batches/{biggest}"), (admin, f"/people/{person}")]
        people += [(admin, "/courses/digital-sahayak-bn/versions")]  # publishers only
        people += [(who, url) for who in (admin, head) for url in STAFF_PAGES]
        names = {admin.id: "admin", head.id: "cell head"}
    found = {}
    for user, url in people:
        client = app.test_client()
        with client.session_transaction() as state:
            state["_user_id"], state["_fresh"] = str(user.id), True
            with app.app_context():
                state[sessions.SESSION_KEY] = sessions.begin(user.id, "bench")
        samples, size = [], 0
        for _ in range(ROUNDS):
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.get_data())
        found[f"{names[user.id]} {url}"] = (statistics.median(samples) * 1000, size)
    return found


def run() -> tuple[float, str]:
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-dashboard-"))
    uri = os.environ.get("BENCH_DATABASE_URI") or f"sqlite:///{folder / 'scale.sqlite3'}"
    app, seconds = build(uri, folder)
    medians = page_times(app)
    staff = staff_pages(app)
    print(f"generated {SAHAYAKS:,} sahayaks in {seconds:.0f} s on {uri.split(':')[0]}")
    print(
        f"state page: {medians['WB']:.0f} ms; slowest drill-down: {max(v for k, v in medians.items() if k != 'WB'):.0f} ms"
    )
    for name, (ms, size) in staff.items():
        flag = "" if ms < 150 and size < 100_000 else "   <- over 150 ms or 100 KB"
        print(f"{name:<48} {ms:7.1f} ms {size / 1000:7.1f} KB{flag}")
    return max([*medians.values(), *(ms for ms, _size in staff.values())]), "ms (slowest median)"
