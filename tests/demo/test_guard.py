"""`flask demo` is for trying the software: it refuses a site with a public address or real
people (its admin's password is printed in the README) unless told --i-know (issue 18)."""

from sqlalchemy import func, select

from lms.auth.models import User
from lms.demo.people import DEMO_PASSWORD
from lms.extensions import db


def people() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_a_trial_site_is_seeded_and_seeded_again(runner, app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    again = runner.invoke(args=["demo"])  # `make run` seeds on every start
    assert again.exit_code == 0, again.output


def test_a_site_with_real_people_is_refused_unless_told(runner, app, make_user):
    make_user(phone="9433012345", name="A real sahayak")
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code == 1
    assert "holds 1 person who is not" in refused.output and "--i-know" in refused.output
    assert DEMO_PASSWORD in refused.output and people() == 1  # nothing was added
    assert runner.invoke(args=["demo", "--i-know"]).exit_code == 0
    assert people() > 1


def test_a_site_with_a_public_address_is_refused_even_when_empty(make_app):
    app = make_app(PUBLIC_BASE_URL="https://sahayak.example.org")
    with app.app_context():
        refused = app.test_cli_runner().invoke(args=["demo"])
        assert refused.exit_code == 1 and "https://sahayak.example.org" in refused.output
        assert people() == 0
