"""Scope: a cell head sees and acts only on people in their subtree, in every query."""

import pytest

from lms.auth.permissions import user_in_scope, users_in_scope
from lms.core.errors import NotFound
from lms.extensions import db


def visible(actor) -> set[str]:
    return {u.name for u in db.session.execute(users_in_scope(actor)).scalars()}


def test_each_role_sees_exactly_its_scope(world):
    assert visible(world.head_kol) == {"Head Kolkata", "Trainer Kolkata", "Sahayak Kolkata"}
    assert visible(world.head_dar) == {"Head Darjeeling", "Sahayak Darjeeling"}
    assert visible(world.trainer_kol) == {"Trainer Kolkata", "Sahayak Kolkata"}
    assert visible(world.sahayak_kol) == {"Sahayak Kolkata"}
    assert len(visible(world.admin)) == 6


def test_cell_head_gets_404_for_a_person_of_another_district(client, auth, world):
    auth.login(world.head_kol)
    assert client.get(f"/people/{world.sahayak_kol.id}").status_code == 200
    assert client.get(f"/people/{world.sahayak_dar.id}").status_code == 404
    assert client.post(f"/people/{world.sahayak_dar.id}/reset-password").status_code == 404
    listing = client.get("/people/").get_data(as_text=True)
    assert "Sahayak Kolkata" in listing and "Sahayak Darjeeling" not in listing
    search = client.get("/people/", query_string={"q": world.sahayak_dar.phone}).get_data(as_text=True)
    assert "Sahayak Darjeeling" not in search and "0 people found" in search


def test_home_page_counts_only_the_subtree(client, auth, world):
    auth.login(world.head_dar)
    page = client.get("/").get_data(as_text=True)
    assert '<tfoot><tr><th scope="row">Total</th><td class="num">2</td>' in page


def test_reset_password_in_scope_gives_a_working_one_time_password(client, auth, world):
    auth.login(world.trainer_kol)
    page = client.post(f"/people/{world.sahayak_kol.id}/reset-password").get_data(as_text=True)
    otp = page.split('<p class="otp"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert len(otp) == 8
    auth.logout()
    assert auth.login(world.sahayak_kol, otp).headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/password"


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("trainer_kol", "head_kol", 404),  # trainers cannot even see cell heads
        ("trainer_kol", "sahayak_dar", 404),
        ("head_kol", "trainer_kol", 200),
        ("head_kol", "head_kol", 404),  # nobody resets their own password here
        ("admin", "head_dar", 200),
        ("sahayak_kol", "sahayak_kol", 403),
    ],
)
def test_who_may_reset_whose_password(actor, target, status, client, auth, world):
    auth.login(getattr(world, actor))
    response = client.post(f"/people/{getattr(world, target).id}/reset-password")
    assert response.status_code == status


def test_cell_head_may_see_but_not_reset_another_cell_head_below(client, auth, world, make_user):
    below = make_user("cell_head", region=world.booth, name="Booth head")
    auth.login(world.head_kol)
    page = client.get(f"/people/{below.id}").get_data(as_text=True)
    assert "Booth head" in page and "reset-password" not in page
    assert client.post(f"/people/{below.id}/reset-password").status_code == 404


def test_user_in_scope_is_not_found_outside(world):
    with pytest.raises(NotFound):
        user_in_scope(world.head_dar, world.sahayak_kol.id)
    assert user_in_scope(world.head_kol, world.sahayak_kol.id) is world.sahayak_kol


def test_region_codes_with_like_wildcards_do_not_leak(make_region, make_user):
    # Paths use ids, and prefix matching escapes them, so /1/ never matches /10/.
    regions = [make_region(kind="district") for _ in range(12)]
    head = make_user("cell_head", region=regions[0])
    make_user(region=regions[9])
    make_user(region=regions[0])
    assert len(visible(head)) == 2
