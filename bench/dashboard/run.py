"""Dashboard benchmark: the case dashboard of the large demo case (100,000 acts) on SQLite under
20 concurrent clients, side by side with the same server's static file and sign-in page in the
same run; and, in this process, what the dashboard costs when its counts are not in the cache.

    python bench/dashboard/run.py [--data-dir DIR] [--duration 20] [--users 20]
                                  [--out bench/dashboard/results.json]

The server, the sign-in, the simulated clients and the figures are those of the page benchmark
(`bench/pages/run.py`, `bench/pages/locustfile.py`), reused as they are: `expediente serve`
(waitress, 4 threads), one signed-in session shared by every client, locust without think time,
`--duration` seconds per page at `--users` clients and then at one client.

The dashboard keeps its counts in the cache under the case's latest audited write, so under load
it is measured warm (the first request fills the cache). `--cold N` renders it N times in this
process with the cache cleared before each (Django's test client, signed in as the demo owner),
and times each counting query: what the first reader after a change waits.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PAGES = ("static file", "sign-in page", "dashboard")
GOAL_P95_MS = 300


def _pages_run():
    spec = importlib.util.spec_from_file_location("bench_pages_run", ROOT / "bench/pages/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cold(data_dir: Path, case_code: str, times: int) -> dict:
    """The dashboard rendered `times` times in this process, the cache cleared before each."""
    from expediente_web.cli.demo import DEMO_PASSPHRASE, DEMO_USER

    os.environ.pop("DATABASE_URL", None)
    os.environ["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    os.environ["EXPEDIENTE_KEY_PASSPHRASE"] = DEMO_PASSPHRASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expediente_web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from tests.support.two_factor import verified_session

    settings.ALLOWED_HOSTS.append("testserver")
    user = get_user_model().objects.get(username=DEMO_USER)
    client = Client()
    client.force_login(user)
    verified_session(client, user)
    url = f"/cases/{case_code}/dashboard/"
    walls, warm, counts, slowest = [], [], [], []
    for _ in range(times):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            walls.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            sys.exit(f"the dashboard answered {response.status_code}")
        counts.append(len(queries))
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[:6]
        started = time.perf_counter()
        client.get(url)
        warm.append(1000 * (time.perf_counter() - started))
    return {
        "renders": times,
        "cold_ms_median": round(statistics.median(walls), 1),
        "cold_ms_max": round(max(walls), 1),
        "warm_ms_median": round(statistics.median(warm), 1),
        "queries_cold": counts[-1],
        "slowest_queries_ms": [
            {"ms": round(1000 * float(q["time"]), 1), "sql": q["sql"][:220]} for q in slowest
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data directory of the large demo case [default: the page "
        "benchmark's, under the temporary folder]",
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per page and load")
    parser.add_argument("--users", type=int, default=20, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=4, help="`expediente serve --threads`")
    parser.add_argument("--cold", type=int, default=5, help="cold renders in this process")
    parser.add_argument(
        "--no-single", action="store_true", help="leave out the pass with one client"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    pages = _pages_run()
    data_dir = (
        args.data_dir or Path(tempfile.gettempdir()) / "expediente-bench-pages-large"
    ).resolve()
    login = pages.prepare(data_dir, "large")
    case = login["case"]
    work = data_dir / "bench-dashboard"
    work.mkdir(exist_ok=True)

    port = pages.free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    server = pages.start_server(data_dir, port, args.threads)
    results: dict[str, dict] = {}
    first_ms = None
    try:
        cookies = pages.sign_in(base, login, case)
        plan = {
            "cookies": cookies,
            "pages": {
                "static file": {"paths": ["/static/site/site.css"], "signed_in": False},
                "sign-in page": {"paths": ["/login/"], "signed_in": True},
                "dashboard": {"paths": [f"/cases/{case}/dashboard/"], "signed_in": True},
            },
        }
        # The first request after a change counts the acts (measured apart, `--cold`); the
        # load is measured on the figures it left in the cache, as every later reader gets them.
        started = time.perf_counter()
        first = requests.get(
            f"{base}/cases/{case}/dashboard/",
            cookies={c["name"]: c["value"] for c in cookies},
            timeout=300,
            allow_redirects=False,
        )
        if first.status_code != 200:
            sys.exit(f"the dashboard answered {first.status_code}")
        first_ms = round(1000 * (time.perf_counter() - started))
        print(f"first request (counting, through the server): {first_ms} ms", flush=True)
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        loads = [args.users] + ([] if args.no_single or args.users == 1 else [1])
        for users in loads:
            for page in PAGES:
                figures = pages.measure(base, plan_file, page, users, args.duration, work, server)
                results.setdefault(page, {})[str(users)] = figures
                print(
                    f"{page:>13} × {users:>2} clients: p50 {figures['p50_ms']:>6.0f} ms  "
                    f"p95 {figures['p95_ms']:>6.0f} ms  p99 {figures['p99_ms']:>6.0f} ms  "
                    f"{figures['rps']:>6.1f} req/s  {figures['failures']} failed of "
                    f"{figures['requests']}  server CPU {figures['server_cpu_ms_per_request']} "
                    "ms/req",
                    flush=True,
                )
    finally:
        pages.stop_server(server)

    for by_load in results.values():
        for users, figures in by_load.items():
            for base_page, key in (("static file", "vs_static"), ("sign-in page", "vs_sign_in")):
                ref = results[base_page][users]
                figures[key] = {
                    "p95": round(figures["p95_ms"] / ref["p95_ms"], 2) if ref["p95_ms"] else None,
                    "rps": round(figures["rps"] / ref["rps"], 3) if ref["rps"] else None,
                }
            figures["meets_goal"] = figures["p95_ms"] < GOAL_P95_MS and not figures["failures"]
    cold_figures = cold(data_dir, case, args.cold) if args.cold else None
    if cold_figures:
        print(
            f"dashboard, counts not cached: median {cold_figures['cold_ms_median']} ms "
            f"({cold_figures['queries_cold']} queries); cached: median "
            f"{cold_figures['warm_ms_median']} ms",
            flush=True,
        )
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/dashboard/run.py " + " ".join(argv or sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "server": f"expediente serve (waitress) --threads {args.threads}, worker beside it",
        "client": f"locust FastHttpUser, {args.users} and 1 clients, no think time, "
        f"{args.duration} s per page and load, loopback",
        "case": case,
        "goal": f"p95 < {GOAL_P95_MS} ms at {args.users} clients",
        "first_request_ms": first_ms,
        "pages": results,
        "in_process": cold_figures,
    }
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
