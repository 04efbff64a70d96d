"""The capability table is the one rule: routes, services and templates agree with it, and
no other module keeps a role set or a hand-written subtree test."""

import re
from pathlib import Path

import pytest

from lms.auth.models import Role
from lms.auth.permissions import CAPABILITIES, in_area, may, within
from tests.test_access import MATRIX, SIGN_IN

ROOT = Path(__file__).resolve().parents[2]
VISITOR_ROLES = {
    "sahayak": Role.SAHAYAK,
    "trainer": Role.TRAINER,
    "cell_head_in_scope": Role.CELL_HEAD,
    "cell_head_out_of_scope": Role.CELL_HEAD,
    "admin": Role.ADMIN,
}


def test_routes_refuse_exactly_the_roles_the_table_leaves_out(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        capability = getattr(app.view_functions[rule.endpoint], "capability", None)
        outcomes = MATRIX[rule.endpoint][2]
        if capability is not None:
            assert outcomes["anonymous"] == SIGN_IN, rule.endpoint
        for visitor, role in VISITOR_ROLES.items():
            refused = outcomes[visitor] == 403
            if capability is None:
                assert not refused or rule.endpoint == "batches.new", (
                    f"{rule.endpoint}: a 403 without a capability"
                )
            else:
                assert refused == (role not in CAPABILITIES[capability]), f"{rule.endpoint} as {visitor}"


def test_every_capability_is_asked_for_somewhere():
    sources = "".join(path.read_text() for path in (ROOT / "lms").rglob("*.py"))
    sources += "".join(path.read_text() for path in (ROOT / "templates").rglob("*.html"))
    sources = sources.replace((ROOT / "lms/auth/permissions.py").read_text(), "")
    for capability in CAPABILITIES:
        assert f'"{capability}"' in sources, f"{capability} is in the table but nothing asks for it"


def test_no_role_set_or_subtree_test_outside_the_permissions_module():
    role_set = re.compile(
        r"Role\.[\w.]+\s*,\s*Role\.|\.role\s+(not\s+)?in\s|\.role\s*==\s*[\"']|\.path\.startswith"
    )
    offenders = []
    for path in [*(ROOT / "lms").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if path.name == "permissions.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if role_set.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_within_is_a_prefix_of_ids_not_of_digits(make_region):
    state = make_region("S", kind="state")
    first = make_region("D1", parent=state)
    others = [make_region(parent=state) for _ in range(10)]
    tenth = others[-1]  # its id starts with the digits of `first`'s only when paths are not delimited
    assert within(first, state) and within(first, first) and not within(state, first)
    assert not within(tenth, first) and not within(first, tenth)


@pytest.mark.parametrize(
    ("actor", "capability", "region", "expected"),
    [
        ("head_kol", "issue_certificates", "booth", True),
        ("head_kol", "issue_certificates", "darjeeling", False),
        ("head_kol", "issue_certificates", None, False),  # no region: the admins' alone
        ("admin", "issue_certificates", None, True),
        ("trainer_kol", "issue_certificates", "booth", False),
        ("trainer_kol", "publish_courses", "anywhere", True),
        ("head_kol", "publish_courses", "anywhere", False),
        ("sahayak_kol", "see_people", "anywhere", False),
    ],
)
def test_may_asks_the_role_then_the_area(world, actor, capability, region, expected):
    user = getattr(world, actor)
    if region == "anywhere":
        assert may(user, capability) is expected
    else:
        assert may(user, capability, getattr(world, region) if region else None) is expected


def test_the_area_of_someone_without_a_region_is_empty(world, make_user):
    nowhere = make_user(Role.CELL_HEAD, region=None)
    assert not in_area(nowhere, world.booth) and in_area(world.admin, world.booth)
    assert not may(None, "see_people")
