"""The policy is the one rule: routes, services and templates agree with the capability
table and the registered rules, and no other module compares roles, keeps a role set or writes
its own subtree test (issue 26: the guard now reads every comparison from the code)."""

import ast
import re
from pathlib import Path

import pytest

from lms.auth.models import Role
from lms.auth.permissions import ABOUT, CAPABILITIES, in_area, may, rules, within
from tests.test_access import MATRIX, SIGN_IN

ROOT = Path(__file__).resolve().parents[2]
VISITOR_ROLES = {
    "sahayak": Role.SAHAYAK,
    "trainer": Role.TRAINER,
    "cell_head_in_scope": Role.CELL_HEAD,
    "cell_head_out_of_scope": Role.CELL_HEAD,
    "admin": Role.ADMIN,
}


def test_routes_refuse_exactly_the_roles_the_table_leaves_out(app, visitors):
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
            elif capability in CAPABILITIES:
                assert refused == (role not in CAPABILITIES[capability]), f"{rule.endpoint} as {visitor}"
            else:  # a rule: what it answers for this visitor, for any thing
                assert refused == (not may(visitors[visitor], capability)), f"{rule.endpoint} as {visitor}"


def test_every_capability_is_asked_for_somewhere():
    sources = "".join(path.read_text() for path in (ROOT / "lms").rglob("*.py"))
    sources += "".join(path.read_text() for path in (ROOT / "templates").rglob("*.html"))
    sources = sources.replace((ROOT / "lms/auth/permissions.py").read_text(), "")
    for capability in CAPABILITIES:
        assert f'"{capability}"' in sources, f"{capability} is in the table but nothing asks for it"


# Where roles are named: the policy, the roles themselves, and `flask permissions` printing them.
POLICY = {ROOT / "lms/auth/permissions.py", ROOT / "lms/auth/models.py", ROOT / "lms/auth/cli.py"}


def role_comparisons(source: str) -> list[tuple[int, str]]:
    """(line, code) of every place Python source decides by role: a comparison with a `.role`,
    a `role` or a `Role.X` on either side (==, !=, in, not in), `filter_by(role=…)`, and a
    `.role.in_(…)` that does not ask `roles_with(capability)`."""
    return [
        (node.lineno, ast.unparse(node)) for node in ast.walk(ast.parse(source)) if _decides_by_role(node)
    ]


def _decides_by_role(node: ast.AST) -> bool:
    """Whether this node of the code compares roles."""
    if isinstance(node, ast.Compare):
        return any(_names_a_role(side) for side in [node.left, *node.comparators])
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr == "filter_by":
        return any(keyword.arg == "role" for keyword in node.keywords)
    return node.func.attr == "in_" and _names_a_role(node.func.value) and not _asks_the_table(node)


def _asks_the_table(call: ast.Call) -> bool:
    """Whether `….role.in_(…)` asks the policy for the roles (`roles_with(capability)`)."""
    return bool(call.args) and ast.unparse(call.args[0]).startswith("roles_with(")


def _names_a_role(node: ast.AST) -> bool:
    """Whether an expression is someone's role or a role by name."""
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    if isinstance(node, ast.Name) and node.id == "role":
        return True
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"


def test_no_role_comparison_outside_the_policy():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in sorted((ROOT / "lms").rglob("*.py"))
        if path not in POLICY
        for line, code in role_comparisons(path.read_text())
    ]
    assert offenders == [], "ask may(), a rule or User.is_learner instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "code",
    [
        "user.role == Role.SAHAYAK",
        "Role.ADMIN != actor.role",
        "role == Role.ADMIN",
        "person.role in (Role.TRAINER, Role.CELL_HEAD)",
        "current_user.role not in allowed",
        'user.role == "sahayak"',
        "select(User).filter_by(role='trainer')",
        "User.role.in_([Role.TRAINER])",
    ],
)
def test_the_guard_finds_every_form_of_role_comparison(code):
    assert role_comparisons(code) != []


def test_asking_the_policy_is_not_a_comparison():
    code = 'User.role.in_(roles_with("run_workshops"))\nVISIBLE_ROLES[actor.role]\nuser.is_learner\n'
    assert role_comparisons(code) == []


def test_no_role_set_or_subtree_test_outside_the_permissions_module():
    role_set = re.compile(
        r"Role\.[\w.]+\s*,\s*Role\.|\.role\s+(not\s+)?in\s|\.role\s*[!=]=|\.path\.startswith"
    )
    offenders = []
    for path in [*(ROOT / "lms").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if path in POLICY:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if role_set.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_capability_is_said_in_words_and_every_rule_has_its_owner_and_words(app):
    assert set(ABOUT) == set(CAPABILITIES)
    found = {rule.name: rule for rule in rules(app)}
    assert set(found) >= {"lead_batch", "give_tries", "edit_course", "manage_person"}
    assert all(rule.who and rule.owner for rule in found.values())
    assert not set(found) & set(CAPABILITIES)


def test_flask_permissions_lists_every_capability_and_rule(app, runner):
    result = runner.invoke(args=["permissions"])
    assert result.exit_code == 0, result.output
    for name in [*CAPABILITIES, *(rule.name for rule in rules(app))]:
        assert name in result.output
    assert "sees themself only; manages nobody" in result.output


def test_a_sahayak_who_may_lead_a_batch_sees_batches_in_the_menu(client, auth, world, sample_course):
    """The kept header was cached per role: the first sahayak's menu was every sahayak's."""
    from lms.batches.models import LeaderGrant
    from lms.extensions import db

    auth.login(world.sahayak_dar)
    assert 'href="/batches/"' not in client.get("/progress").get_data(as_text=True)
    client.post("/logout")
    db.session.add(
        LeaderGrant(
            user_id=world.sahayak_kol.id, course_id=sample_course.course_id, granted_by_id=world.head_kol.id
        )
    )
    db.session.commit()
    auth.login(world.sahayak_kol)
    assert 'href="/batches/"' in client.get("/progress").get_data(as_text=True)
    client.post("/logout")
    auth.login(world.sahayak_dar)
    assert 'href="/batches/"' not in client.get("/progress").get_data(as_text=True)


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
