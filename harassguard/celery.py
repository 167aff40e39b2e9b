"""The Celery app; tasks are discovered in each Django app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassguard.settings")

app = Celery("harassguard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
