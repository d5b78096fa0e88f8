"""/healthz: the process answers. A liveness check for monitoring and the baseline of
`benvung bench_portal`: no template, no database, only the middleware every page goes through."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
