"""Background work: queued in the database, run by the worker; immediate in tests."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus, default_task_backend

from benvung.core.models import OutgoingEmail
from benvung.core.tasks import send_email, send_email_after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def test_tests_run_tasks_immediately():
    email = send_email_after_commit(subject="Thử", body="Nội dung", to=["a@test.example"])
    email.refresh_from_db()
    assert email.sent_at is not None
    assert mail.outbox[-1].subject == "Thử" and mail.outbox[-1].body == "Nội dung"


def test_the_database_queue_holds_only_an_id_until_the_worker_runs_it(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    email = OutgoingEmail.objects.create(
        subject="Hàng đợi", body="https://x.example/mot-lan/abc", to=["b@test.example"]
    )
    result = send_email.enqueue(email.pk)
    assert result.status == TaskResultStatus.READY
    assert result.args == [email.pk]
    assert mail.outbox == []
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    assert [m.body for m in mail.outbox] == ["https://x.example/mot-lan/abc"]
    email.refresh_from_db()
    # The one-time link does not stay in the database once delivered.
    assert email.sent_at is not None and email.body == ""


def test_a_message_is_never_sent_twice():
    email = send_email_after_commit(subject="Một lần", body="x", to=["c@test.example"])
    assert send_email.call(email.pk) is False
    assert len(mail.outbox) == 1
