"""The application's URLs plus a bare view, the reference the check-in is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mds.urls import handler403, handler404, handler500
from mds.urls import urlpatterns as app_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def bare_view(request: HttpRequest) -> HttpResponse:
    """As little as Django can do: the middleware stack, routing, a tiny response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view, name="bench_bare"), *app_urlpatterns]
