"""The Celery app. Eager on the embedded default; a real broker when CELERY_BROKER_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongan.settings.dev")

app = Celery("nongan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="nongan.ping")
def ping(value: str = "pong") -> str:
    """A health check that proves a worker answers."""
    return value
