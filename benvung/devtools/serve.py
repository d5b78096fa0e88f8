"""`make run`: the web server, the task worker and the scheduler, side by side.

The web server is gunicorn, as in production (docs/deploy.md), not Django's development server,
which runs every request in one process (one core at a time) and was measured at a p95 of
several seconds for 50 public readers. Gunicorn's workers use every core; measure with
`python -m benvung.devtools.load_readers --url http://127.0.0.1:8000`. WhiteNoise serves the
static files. DEBUG stays whatever the environment says (`make run` turns it off, `make dev` on).
Code changes are picked up on restart, or at once with --reload.

Ctrl+C (or any of them dying) stops all three, so no orphan keeps the database busy.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--reload", action="store_true", help="restart on code changes")
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "benvung"]
    processes = [
        subprocess.Popen(gunicorn(args.host, args.port, reload=args.reload)),
        subprocess.Popen([*command, "db_worker", "--no-reload", "--interval", "1"]),
        subprocess.Popen([*command, "scheduler"]),
    ]

    def stop(*_: object) -> None:
        for p in processes:
            if p.poll() is None:
                p.terminate()

    # Handle both explicitly: a process started in the background may inherit SIGINT ignored.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in processes)


def gunicorn(host: str, port: str, *, reload: bool = False) -> list[str]:
    """The gunicorn command line for this machine.

    Workers for the cores (a page is mostly Python, which one process runs on one core at a
    time), and threads in each so that a slow request (an export, a sign-in's password hash)
    does not hold up the readers behind it.
    """
    cores = os.cpu_count() or 1
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(min(cores + 1, 8)),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--timeout",
        "120",
        # No --access-logfile: benvung.request logs one line per request, with its id.
    ]
    return [*command, "--reload"] if reload else command


if __name__ == "__main__":
    raise SystemExit(main())
