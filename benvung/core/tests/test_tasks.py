"""Background work: queued in the database, run by the worker; immediate in tests."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus, default_task_backend

from benvung.core.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_tests_run_tasks_immediately():
    result = send_email.enqueue(subject="Thử", body="Nội dung", to=["a@test.example"])
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox[-1].subject == "Thử"


def test_the_database_queue_holds_a_task_until_the_worker_runs_it(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_email.enqueue(subject="Hàng đợi", body="Nội dung", to=["b@test.example"])
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    assert [m.subject for m in mail.outbox] == ["Hàng đợi"]
