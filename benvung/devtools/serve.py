"""`make run`: the development web server, the task worker and the scheduler, side by side.

Ctrl+C (or any of them dying) stops all three, so no orphan keeps the database busy.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "benvung"]
    processes = [
        subprocess.Popen([*command, "runserver", f"{args.host}:{args.port}"]),
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


if __name__ == "__main__":
    raise SystemExit(main())
