"""Celery application: broker wiring and reliability settings (managed by generator-portal)."""

import os
from urllib.parse import quote

from celery import Celery

from .secrets import secret

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def broker_url() -> str:
    # not CELERY_BROKER: the celery command reads CELERY_<option> variables as its own --broker and the like
    if os.environ.get("TASK_BROKER") == "rabbitmq":
        user = quote(os.environ.get("RABBITMQ_USER", "guest"), safe="")
        password = quote(secret("RABBITMQ_PASSWORD"), safe="")
        host = os.environ.get("RABBITMQ_HOST", "rabbitmq")
        port = os.environ.get("RABBITMQ_PORT", "5672")
        vhost = quote(os.environ.get("RABBITMQ_VHOST", "/"), safe="")
        return f"amqp://{user}:{password}@{host}:{port}/{vhost}"
    return redis_url(0)


def redis_url(database: int) -> str:
    password = quote(secret("REDIS_PASSWORD"), safe="")
    host = os.environ.get("REDIS_HOST", "redis")
    port = os.environ.get("REDIS_PORT", "6379")
    return f"redis://:{password}@{host}:{port}/{database}"


def result_backend() -> str:
    return redis_url(1) if os.environ.get("REDIS_HOST") else "rpc://"


app = Celery("portal")
app.conf.update(
    broker_url=broker_url(),
    result_backend=result_backend(),
    broker_connection_retry_on_startup=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=240,
    task_time_limit=300,
    result_expires=3600,
    accept_content=["json"],
    task_serializer="json",
    result_serializer="json",
    timezone="UTC",
)
# named, not autodiscovered: discovery only looks inside INSTALLED_APPS, and the project package is not one
app.conf.update(include=["portal.tasks"])
