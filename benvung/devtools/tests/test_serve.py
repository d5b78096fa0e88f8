"""`make run` serves with gunicorn (several workers, threads), not Django's development server."""

from benvung.devtools import serve


def test_make_run_serves_with_gunicorn_workers_and_threads(monkeypatch):
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 2)
    command = serve.gunicorn("127.0.0.1", "8123")
    assert command[1:4] == ["-m", "gunicorn", "config.wsgi"]
    assert "runserver" not in command
    options = dict(zip(command[4::2], command[5::2], strict=False))
    assert options["--bind"] == "127.0.0.1:8123"
    assert int(options["--workers"]) == 3
    assert options["--worker-class"] == "gthread"
    assert int(options["--threads"]) > 1
    assert "--reload" in serve.gunicorn("127.0.0.1", "8123", reload=True)
