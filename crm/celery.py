"""The Celery application: Redis broker, late acknowledgement, the database beat scheduler."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
# All CELERY_* settings live in crm/settings.py and come from the environment.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
