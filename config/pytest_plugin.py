"""Loaded by pytest before Django's settings (see addopts): tests use the laptop profile.

Tasks run immediately in tests, so a test sees the effect of the work it enqueues.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Files the tests upload and generate go to folders of their own, not the laptop's var/, and
# are removed when the run ends.
for _name, _prefix in (("PRIVATE_FILES_ROOT", "private"), ("MEDIA_ROOT", "media")):
    if _name not in os.environ:
        _folder = tempfile.mkdtemp(prefix=f"benvung-test-{_prefix}-")
        os.environ[_name] = _folder
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
