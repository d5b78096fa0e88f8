"""50 public readers on a running server: p50/p95/max latency and errors (printed, never asserted).

    .venv/bin/python -m benvung.devtools.load_readers --url http://127.0.0.1:8123

Each reader goes round the public pages as a visitor would, one request after the other: the
home page, the targets' overview, a target, an indicator, the coverage map, the catalogue of SCP
models, and the static files those pages load (stylesheet, scripts). The targets, indicators and
static files are the ones the pages link to, read from the server first. Unlike
`benvung bench_portal`, which starts its own production server, this measures whatever server
answers at --url (e.g. `make run`'s), so the same figures can be taken before and after a change.
The readers run on this machine too: on a small machine they take some of the server's cores.
"""

from __future__ import annotations

import argparse
import http.client
import re
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

LINK = re.compile(r"""(?:href|src)="(/(?:chi-tieu|chi-so|static)/[^"#?]+)""")


def fetch(host: str, port: int, path: str, timeout: float) -> tuple[int, bytes]:
    """One request on its own connection, read in full."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "vi", "Connection": "close"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def reading_list(host: str, port: int) -> list[str]:
    """The pages a reader visits, with one target, one indicator and the static files linked."""
    pages = ["/", "/chi-tieu/", "/ban-do/", "/mo-hinh/"]
    links: list[str] = []
    for page in ("/", "/chi-tieu/"):
        status, body = fetch(host, port, page, 60)
        if status != 200:
            raise SystemExit(f"{page} answered {status}: is the server prepared (make prepare)?")
        links += LINK.findall(body.decode("utf-8", "replace"))
    targets = [link for link in links if link.startswith("/chi-tieu/")][:1]
    indicators = [link for link in links if link.startswith("/chi-so/") and "du-lieu" not in link]
    statics = sorted({link for link in links if link.startswith("/static/")})
    return pages + targets + indicators[:1] + statics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    paths = reading_list(host, port)
    print(f"{args.clients} readers for {args.seconds:.0f} s over {len(paths)} addresses:")
    for path in paths:
        print(f"  {path}")

    latencies: dict[str, list[float]] = {path: [] for path in paths}
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + args.seconds

    def reader(offset: int) -> None:
        mine: dict[str, list[float]] = {path: [] for path in paths}
        failed: Counter[str] = Counter()
        i = offset
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                status, _body = fetch(host, port, path, args.timeout)
            except (OSError, http.client.HTTPException) as exc:
                failed[type(exc).__name__] += 1
                continue
            if status == 200:
                mine[path].append(time.perf_counter() - started)
            else:
                failed[f"HTTP {status} {path}"] += 1
        with lock:
            for path, values in mine.items():
                latencies[path] += values
            errors.update(failed)

    started = time.perf_counter()
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    every = sorted(value for values in latencies.values() for value in values)
    print(f"\n{'address':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for path, values in [*latencies.items(), ("all", every)]:
        figures = " ".join(_ms(values, q) for q in (0.5, 0.95, 1))
        print(f"{path[:44]:<44} {len(values):>6} {figures}")
    print(f"\n{len(every)} answers in {elapsed:.1f} s ({len(every) / elapsed:.1f}/s)")
    print(f"errors: {sum(errors.values())}" + "".join(f"\n  {k}: {v}" for k, v in errors.items()))
    return 0


def _ms(values: list[float], q: float) -> str:
    if not values:
        return f"{'-':>8}"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000:>8.0f}"


if __name__ == "__main__":
    raise SystemExit(main())
