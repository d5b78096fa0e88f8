"""Loaded by pytest before Django's settings (see addopts): tests use the laptop profile.

Tasks run immediately in tests, so a test sees the effect of the work it enqueues.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
