"""Refuse an oversized request body before anything reads it.

Django reads a POST body as soon as anything asks for `request.POST`, and the CSRF check
asks before the view has a chance to send a visitor to sign in; so without this, anyone
could make a server process read (and spool to disk) an upload of any size. The largest
body a signed-in user has reason to send is a few reports' PDFs at once (the import page's
limit, inspections.ingest.reading);
a visitor who is not signed in has only the sign-in form to send.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from inspections.ingest.reading import MAX_UPLOAD_BYTES

# Room for the form's other fields and the multipart boundaries around the file.
SIGNED_IN_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024
SIGNED_OUT_LIMIT = 64 * 1024


def body_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """Goes after AuthenticationMiddleware: it needs to know who is asking."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = body_length(request)
        if length > SIGNED_OUT_LIMIT and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if length > SIGNED_IN_LIMIT:
            return render(
                request,
                "request_too_large.html",
                {"limit_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
