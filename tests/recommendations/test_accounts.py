"""Sign-in with throttling, sign-out, password change, roles and the demo accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command

from pdus.models import Region
from recommendations import rules
from recommendations.management.commands.create_demo_accounts import DEMO_PASSWORD
from recommendations.roles import ADMINS, INSPECTORATE_STAFF, REGIONAL_DIRECTORS
from tests.recommendations.helpers import PASSWORD, client_for


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- Sign-in --------------------------------------------------------------------------------


def test_the_sign_in_page_is_in_the_products_look(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<h1 class="govuk-heading-xl">Sign in</h1>' in page
    assert 'class="govuk-input' in page


def test_signing_in_goes_to_the_tracker(client, director):
    response = sign_in(client, "london-director", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/tracker/"


def test_a_wrong_password_is_shown_as_an_error(client, director):
    response = sign_in(client, "london-director", "wrong")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page


def test_sign_in_is_locked_after_too_many_failures(client, director, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_SECONDS = 600
    for _ in range(2):
        assert (
            "Enter a correct username" in sign_in(client, "london-director", "x").content.decode()
        )
    third = sign_in(client, "london-director", "x").content.decode()
    assert "Too many failed attempts to sign in. Wait 10 minutes, then try again" in third
    # Even the right password is refused while locked.
    locked = sign_in(client, "london-director", PASSWORD)
    assert locked.status_code == 200
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client, director, inspector, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    for _ in range(2):
        sign_in(client, "london-director", "x", ip="10.0.0.1")
    # Another address, or another username from the same address, is not locked.
    assert sign_in(client_for(None), "london-director", PASSWORD, ip="10.0.0.2").status_code == 302
    assert sign_in(client_for(None), "ines-inspector", PASSWORD, ip="10.0.0.1").status_code == 302


def test_the_username_is_compared_without_case(client, director, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    sign_in(client, "london-director", "x")
    sign_in(client, "LONDON-DIRECTOR", "x")
    assert "Too many failed" in sign_in(client, "london-director", PASSWORD).content.decode()


def test_a_successful_sign_in_clears_the_count(client, director, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    sign_in(client, "london-director", "x")
    sign_in(client, "london-director", "x")
    assert sign_in(client, "london-director", PASSWORD).status_code == 302
    other = client_for(None)
    sign_in(other, "london-director", "x")
    sign_in(other, "london-director", "x")
    assert sign_in(other, "london-director", PASSWORD).status_code == 302


def test_the_lock_expires(client, director, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 1
    sign_in(client, "london-director", "x")
    assert "Too many failed" in sign_in(client, "london-director", PASSWORD).content.decode()
    cache.clear()  # as the window's timeout would
    assert sign_in(client, "london-director", PASSWORD).status_code == 302


# --- Sign-out and password ------------------------------------------------------------------


def test_sign_out_asks_to_confirm_then_signs_out_on_post(director):
    client = client_for(director)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert "You are signed in as london-director" in page.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(director):
    client = client_for(director)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-9",
            "new_password2": "another-long-password-9",
        },
    )
    assert response["Location"] == "/accounts/password/done/"
    assert "Password changed" in client.get("/accounts/password/done/").content.decode()
    director.refresh_from_db()
    assert director.check_password("another-long-password-9")


def test_password_change_errors_are_shown_in_govuk_style(director):
    response = client_for(director).post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Your old password was entered incorrectly" in page
    assert "govuk-input--error" in page


# --- Roles ----------------------------------------------------------------------------------


def test_roles_are_groups_with_permissions(db):
    from recommendations.roles import ensure_roles

    ensure_roles()
    perms = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in (INSPECTORATE_STAFF, REGIONAL_DIRECTORS)
    }
    assert "verify_progress" in perms[INSPECTORATE_STAFF]
    assert "record_progress" not in perms[INSPECTORATE_STAFF]
    assert "record_progress" in perms[REGIONAL_DIRECTORS]
    assert "verify_progress" not in perms[REGIONAL_DIRECTORS]
    admins = Group.objects.get(name=ADMINS).permissions
    assert admins.filter(codename="change_inspection").exists()
    assert admins.filter(codename="change_user").exists()


def test_role_labels(admin, inspector, director):
    assert rules.role_label(admin) == "Admin"
    assert rules.role_label(inspector) == "Inspectorate staff"
    assert rules.role_label(director) == "Regional director, London"


def test_an_inactive_director_can_do_nothing(director, lambeth_1):
    director.is_active = False
    assert not rules.can_update_recommendation(director, lambeth_1)


# --- Demo accounts --------------------------------------------------------------------------


def test_demo_accounts_are_created_once_for_each_role(published_data, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")  # idempotent: make run calls it every time
    users = get_user_model().objects
    assert set(users.values_list("username", flat=True)) == {
        "admin",
        "inspector",
        *(f"director-{slug}" for slug in Region.objects.values_list("slug", flat=True)),
    }
    assert users.filter(username__startswith="director-").count() == 12
    director = users.get(username="director-london")
    assert director.check_password(DEMO_PASSWORD)
    assert rules.role_label(director) == "Regional director, London"
    assert rules.role_label(users.get(username="inspector")) == "Inspectorate staff"
    assert rules.is_admin(users.get(username="admin"))


def test_demo_accounts_keep_a_changed_password(published_data, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    inspector = get_user_model().objects.get(username="inspector")
    inspector.set_password("changed-by-the-user-1")
    inspector.save()
    call_command("create_demo_accounts")
    inspector.refresh_from_db()
    assert inspector.check_password("changed-by-the-user-1")


def test_no_demo_accounts_with_production_settings(published_data, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local use"):
        call_command("create_demo_accounts")
    call_command("create_demo_accounts", "--if-debug")  # as make run calls it
    assert not get_user_model().objects.exists()
