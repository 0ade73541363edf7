"""Prometheus metrics of the backend, exposed at /metrics on the internal network only."""

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter("portal_http_requests", "HTTP requests served", ["method", "status"])
LATENCY = Histogram("portal_http_request_duration_seconds", "Time spent answering HTTP requests", ["method"])


def render_metrics() -> tuple[bytes, str]:
    """The metrics of every worker process: each process writes its own files under PROMETHEUS_MULTIPROC_DIR."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
