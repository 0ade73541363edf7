"""Sample background task: replace with your own."""

from .celery import app


@app.task
def add(x: int, y: int) -> int:
    return x + y
