"""Several nodes: two application servers, one PostgreSQL database, one S3 store, one worker.

What docs/deploy.md ("Several nodes") promises: a file uploaded through node 1 is downloaded
through node 2, byte for byte; a task enqueued through node 1 is run by node 2's worker, which
reads the uploaded file from the shared store; no node keeps a file on its own disk. The store is
moto's S3 server; the database a copy of the migrated test database (migrating a new one would
take longer than the whole test). Runs only when the suite runs on PostgreSQL (as CI does).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(2048)
BUCKET = "benvung-nodes"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (several nodes share one database): runs in the suite's PostgreSQL "
    "run, i.e. with DATABASE_URL=postgres://…",
)

SETUP = """
import json
from django.test import Client
from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.directory.models import AdministrativeUnit, Agency
from benvung.plans.models import ContentArea
agency = Agency.objects.get(key="sct")
user = User.objects.create_user(
    email="nut@test.example", password="Mật-khẩu-thử-2025", full_name="Nút",
    organisation=agency, role=roles.AGENCY_REPORTER,
)
client = Client()
client.force_login(user)
print("RESULT:" + json.dumps({
    "session": client.cookies["sessionid"].value,
    "organisation": agency.pk,
    "topic": ContentArea.objects.first().pk,
    "district": AdministrativeUnit.objects.filter(edition="pre2025", level="district").first().pk,
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def shared_database(db, tmp_path):
    """A new database with the test database's committed content (migrated, reference data).

    Copied with pg_dump, which reads a snapshot while this test's own connection stays open."""
    import psycopg

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("needs PostgreSQL's client programs pg_dump and pg_restore")
    settings_dict = connection.settings_dict
    name = f"benvung_nodes_{uuid.uuid4().hex[:8]}"
    host, port = settings_dict["HOST"] or "127.0.0.1", str(settings_dict["PORT"] or 5432)
    user, password = settings_dict["USER"], settings_dict["PASSWORD"] or ""
    tools_env = {**os.environ, "PGPASSWORD": password}
    where = ["--host", host, "--port", port, "--username", user]
    server = {"host": host, "port": port, "user": user, "password": password}
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        dump = tmp_path / "test.dump"
        subprocess.run(
            ["pg_dump", *where, "--format=custom", "--file", str(dump), settings_dict["NAME"]],
            env=tools_env,
            check=True,
        )
        subprocess.run(
            ["pg_restore", *where, "--no-owner", "--dbname", name, str(dump)],
            env=tools_env,
            check=True,
        )
        credentials = f"{user}:{password}" if password else user
        yield (
            f"postgres://{credentials}@{host}:{port}/{name}",
            lambda: psycopg.connect(**server, dbname=name),
        )
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def s3_store():
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="moto",
        aws_secret_access_key="moto",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


def test_two_nodes_share_files_through_s3_and_work_through_one_queue(
    shared_database, s3_store, tmp_path
):
    import requests

    database_url, connect = shared_database
    endpoint, s3 = s3_store
    processes: list[subprocess.Popen] = []

    def node_env(node: str) -> dict[str, str]:
        # Each node has folders of its own; none of them may receive a file.
        folder = tmp_path / node
        (folder / "private").mkdir(parents=True)
        (folder / "media").mkdir()
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_"))}
        return {
            **keep,
            "DEBUG": "1",
            "SECRET_KEY": "the-same-secret-on-every-node-" + "x" * 30,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "VAR_DIR": str(folder),
            "PRIVATE_FILES_ROOT": str(folder / "private"),
            "MEDIA_ROOT": str(folder / "media"),
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ACCESS_KEY_ID": "moto",
            "AWS_S3_SECRET_ACCESS_KEY": "moto",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "LOG_LEVEL": "WARNING",
        }

    def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        processes.append(process)
        return process

    env1, env2 = node_env("node-1"), node_env("node-2")
    ports = _free_port(), _free_port()
    python = sys.executable
    try:
        # The user and its session, made on node 1's settings while the servers start.
        setup = subprocess.Popen(
            [python, "-m", "benvung", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env1,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(setup)
        server = [python, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--threads", "2"]
        for port, env in zip(ports, (env1, env2), strict=True):
            start([*server, "--bind", f"127.0.0.1:{port}"], env)
        worker = [python, "-m", "benvung", "db_worker", "--no-reload", "--no-startup-delay"]
        start([*worker, "--interval", "0.2", "--worker-id", "node-2-worker"], env2)
        out, err = setup.communicate(timeout=60)
        assert setup.returncode == 0, err
        (line,) = [line for line in out.splitlines() if line.startswith("RESULT:")]
        setup_result = json.loads(line.removeprefix("RESULT:"))
        node1, node2 = (f"http://127.0.0.1:{port}" for port in ports)
        for node in (node1, node2):
            _wait_until(lambda node=node: _answers(f"{node}/healthz"), 40, f"{node} to answer")

        browser = requests.Session()
        browser.cookies.set("sessionid", setup_result["session"])
        # 1. Evidence uploaded through node 1...
        form = browser.get(f"{node1}/outreach/activities/new/", timeout=20)
        assert form.status_code == 200
        posted = browser.post(
            f"{node1}/outreach/activities/new/",
            data={
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "kind": "training",
                "title": "Tập huấn trên hai nút",
                "start_date": "15/03/2024",
                "end_date": "16/03/2024",
                "organiser": str(setup_result["organisation"]),
                "topics": [str(setup_result["topic"])],
                "administrative_units": [str(setup_result["district"])],
                "participants": "12",
            },
            files={"evidence_file": ("bien-ban.pdf", PDF, "application/pdf")},
            headers={"Referer": f"{node1}/"},
            allow_redirects=False,
            timeout=20,
        )
        assert posted.status_code == 302, posted.text[:2000]
        detail = posted.headers["Location"]
        # ... is downloaded through node 2, byte for byte.
        downloaded = browser.get(f"{node2}{detail}evidence/", timeout=20)
        assert downloaded.status_code == 200
        assert downloaded.content == PDF

        # 2. A table import uploaded through node 1 is read by node 2's worker.
        template = browser.get(f"{node1}/imports/outreach_activity/template.xlsx", timeout=20)
        assert template.status_code == 200
        uploaded = browser.post(
            f"{node1}/imports/outreach_activity/",
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            files={"file": ("hoat-dong.xlsx", template.content)},
            headers={"Referer": f"{node1}/"},
            allow_redirects=False,
            timeout=20,
        )
        assert uploaded.status_code == 302, uploaded.text[:2000]
        job_url = uploaded.headers["Location"]

        def read() -> dict | None:
            state = browser.get(f"{node2}{job_url}progress/", timeout=5).json()
            return state if state.get("state") not in {"queued", "reading"} else None

        state = _wait_until(read, 30, "node 2's worker to read the import")
        assert state["state"] != "failed", state
        with connect() as db:
            runs = db.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
                " WHERE task_path = 'benvung.core.tasks.read_table_import'"
            ).fetchall()
        assert runs == [("SUCCESSFUL", ["node-2-worker"])]

        # Both files are in the shared store, and no node kept one on its own disk.
        stored = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        assert len(stored) == 2 and all(key.startswith("private/") for key in stored)
        assert [p for p in tmp_path.rglob("*") if p.is_file() and "private" in p.parts] == []
        assert [p for p in tmp_path.rglob("*") if p.is_file() and "media" in p.parts] == []
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
