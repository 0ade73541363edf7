"""Starter views: replace the landing page and API with your own; keep health and metrics."""

import logging
import os
import time

from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse

from .metrics import LATENCY, REQUESTS, render_metrics

LOG = logging.getLogger(__name__)


class MetricsMiddleware:
    """Counts every request by method and status for Prometheus."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.labels(request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        return response


def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure makes the app unhealthy
        # the detail goes to the log, not to the public answer (it names hosts and roles)
        LOG.exception("health: database unreachable")
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def metrics(request):
    # only where Prometheus scrapes it (and the proxy in front hides it from the public)
    if os.environ.get("METRICS_ENABLED") != "1":
        raise Http404()
    payload, content_type = render_metrics()
    return HttpResponse(payload, content_type=content_type)


def index(request):
    return HttpResponse(
        "<!doctype html><title>portal</title><h1>portal</h1>"
        '<p>The portal is running. See <a href="/api/">the API</a>.</p>'
    )


def api_root(request):
    return JsonResponse({"name": "portal", "status": "ok"})
