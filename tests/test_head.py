"""HEAD gets GET's headers and no body, so the server has nothing to drop."""

from django.http import HttpResponse
from django.test import RequestFactory

from config.head import HeadWithoutBodyMiddleware


def page(request):
    response = HttpResponse("<p>Lambeth</p>")
    response["Content-Length"] = "14"
    return response


def test_head_gets_the_headers_without_the_body():
    response = HeadWithoutBodyMiddleware(page)(RequestFactory().head("/"))
    assert response.content == b""
    assert response["Content-Length"] == "14"


def test_get_keeps_its_body():
    assert HeadWithoutBodyMiddleware(page)(RequestFactory().get("/")).content == b"<p>Lambeth</p>"
