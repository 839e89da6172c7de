"""The SQL behind each page of the page benchmark: how many queries, how long they take, the
slowest ones and SQLite's plan for the slowest.

    python bench/pages/queries.py --data-dir DIR [--pages 5] [--top 3]

Renders each page in this process with Django's test client, signed in as the demo owner with a
verified second factor (as `tests/support/two_factor.py` does), on the data directory that
`run.py` built (`expediente demo`), for a few sampled records per page, and prints per page
the median wall time of the view, the number of queries and their summed time, then the
slowest queries of the slowest rendering with `EXPLAIN QUERY PLAN`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=5, help="records rendered per page")
    parser.add_argument("--top", type=int, default=3, help="slowest queries shown per page")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from expediente_web.cli.demo import DEMO_PASSPHRASE, DEMO_USER

    os.environ.pop("DATABASE_URL", None)
    os.environ["EXPEDIENTE_DATA_DIR"] = str(args.data_dir.resolve())
    os.environ["EXPEDIENTE_KEY_PASSPHRASE"] = DEMO_PASSPHRASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expediente_web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from tests.support.two_factor import verified_session

    from expediente_web.cases.models import Case
    from expediente_web.records.models import Act, Person, Testimony

    settings.ALLOWED_HOSTS.append("testserver")
    case = Case.objects.get(code__startswith="DEMO-")
    user = get_user_model().objects.get(username=DEMO_USER)
    client = Client()
    client.force_login(user)
    verified_session(client, user)

    def sample(model: type) -> list[str]:
        rows = model.objects.filter(case=case, deleted_at__isnull=True).order_by("?")
        return list(rows.values_list("uid", flat=True)[: args.pages])

    prefix = f"/cases/{case.code}"
    pages = {
        "sign-in page": ["/login/"] * args.pages,
        "act list": [f"{prefix}/acts/"] * args.pages,
        "act detail": [f"{prefix}/acts/{u}/" for u in sample(Act)],
        "person": [f"{prefix}/persons/{u}/" for u in sample(Person)],
        "testimony": [f"{prefix}/testimonies/{u}/" for u in sample(Testimony)],
    }
    client.get(pages["act list"][0])  # warm: templates, vocabularies, the key ring
    report = {}
    for name, paths in pages.items():
        renderings = []
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                wall = time.perf_counter() - started
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
            queries = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
            renderings.append((wall, queries, path))
        walls = [w for w, _, _ in renderings]
        counts = [len(q) for _, q, _ in renderings]
        sql = [sum(t for t, _ in q) for _, q, _ in renderings]
        slowest_wall, slowest_queries, slowest_path = max(renderings, key=lambda r: r[0])
        top = sorted(slowest_queries, reverse=True)[: args.top]
        print(
            f"\n== {name}: view {1000 * statistics.median(walls):.0f} ms (median of "
            f"{len(walls)}), {min(counts)}–{max(counts)} queries, SQL "
            f"{1000 * statistics.median(sql):.0f} ms"
        )
        print(f"   slowest: {slowest_path} {1000 * slowest_wall:.0f} ms")
        entry = {
            "view_ms_median": round(1000 * statistics.median(walls), 1),
            "queries": [min(counts), max(counts)],
            "sql_ms_median": round(1000 * statistics.median(sql), 1),
            "slowest": [],
        }
        for seconds, statement in top:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}")
                plan = [row[-1] for row in cursor.fetchall()]
            print(f"   {1000 * seconds:7.1f} ms  {statement[:400]}")
            for step in plan:
                print(f"              plan: {step}")
            entry["slowest"].append(
                {"ms": round(1000 * seconds, 1), "sql": statement, "plan": plan}
            )
        report[name] = entry
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
