"""HEAD answered as GET would be, without the body.

Django runs the GET view for a HEAD request and leaves dropping the body to the server;
gunicorn does drop it, but warns in the log for every such request. Emptying it here
keeps the log for real problems; the Content-Length stays that of the GET. A streamed
response (a large download) is not read at all.
"""


class HeadWithoutBodyMiddleware:
    """First in MIDDLEWARE: the last to see the response, after Content-Length is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                # A streamed download is read as it is sent: not sent, nothing is read.
                # (Its closers, an Excel download's temporary file, still run.)
                response.streaming_content = []
            else:
                response.content = b""
        return response
