"""A throwaway app with a published course and certificates, for benchmarks."""

import tempfile
from pathlib import Path

from lms import create_app
from lms.auth.models import User
from lms.certificates.services import issue
from lms.core.schema import stamp_head
from lms.courses.services import check_folder, publish
from lms.demo.cli import REGIONS_CSV
from lms.extensions import db
from lms.learning.models import Completion
from lms.people.regions import find_region, import_regions
from lms.people.services import check_person, create_user

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["অনুপম মুখোপাধ্যায়", "राजेश कुमार शर्मा", "Mary D'Souza"]


def bench_app(folder: Path | None = None):
    """An app on a fresh SQLite database in a temporary folder."""
    folder = folder or Path(tempfile.mkdtemp(prefix="lms-bench-"))
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(folder / "instance"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        stamp_head()
    return app


def certificates(count: int) -> list[int]:
    """Issue `count` certificates (names in three scripts); return their ids. Needs an app context."""
    import_regions(REGIONS_CSV.read_bytes(), "regions.csv")
    head = create_user(check_person("সুচিত্রা দাস", "9000000004", "cell_head", "bn", "WB-KOL"), "bench-pass")
    course, _ = check_folder(ROOT / "courses" / "digital-sahayak-bn")
    version = publish(course, None, "cli").version
    booth = find_region("BOOTH-BHA-001")
    no_sign_in = "!"  # not a hash: nobody signs in as these people
    people = [
        User(phone=f"7{n:09d}", name=NAMES[n % 3], region=booth, password_hash=no_sign_in, lang="bn")
        for n in range(count)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(
        Completion(user_id=p.id, course_id=version.course_id, version_id=version.id) for p in people
    )
    db.session.commit()
    issued, _ = issue(head, [(p.id, version.course_id) for p in people])
    return [cert.id for cert in issued]
