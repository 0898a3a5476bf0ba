"""An oversized body is refused before anything reads it."""

import pytest

from config.request_size import SIGNED_IN_LIMIT, SIGNED_OUT_LIMIT
from tests.recommendations.helpers import client_for, make_user


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, path, length):
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


@pytest.mark.parametrize("path", ["/manage/import/", "/tracker/1/", "/accounts/login/"])
def test_a_large_body_from_someone_signed_out_goes_to_sign_in_unread(client, db, path):
    response = post_declaring(client, path, SIGNED_OUT_LIMIT + 1)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_upload_over_the_limit_is_refused_unread(db):
    admin = make_user("size-admin", is_staff=True, is_superuser=True)
    response = post_declaring(client_for(admin), "/manage/import/", SIGNED_IN_LIMIT + 1)
    assert response.status_code == 413
    assert "The files are too large" in response.content.decode()
    assert "up to 20 MB" in response.content.decode()


def test_a_body_within_the_limits_is_read_as_usual(client, db):
    # The sign-in form, sent by someone signed out: read, and answered by the form.
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
