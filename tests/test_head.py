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


def test_a_streamed_download_is_not_read_for_head():
    from django.http import StreamingHttpResponse

    read, closed = [], []

    def rows():
        read.append(1)
        yield b"a,b\n"

    def download(request):
        response = StreamingHttpResponse(rows())
        response._resource_closers.append(lambda: closed.append(1))
        return response

    response = HeadWithoutBodyMiddleware(download)(RequestFactory().head("/"))
    assert b"".join(response.streaming_content) == b""
    response.close()
    assert read == [] and closed == [1]
    got = HeadWithoutBodyMiddleware(download)(RequestFactory().get("/"))
    assert b"".join(got.streaming_content) == b"a,b\n"
