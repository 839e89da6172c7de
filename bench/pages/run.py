"""Page benchmark: the act list, an act's page, a person's page and a testimony's page of the
large demo case (100,000 acts) on SQLite, under 50 concurrent clients, against the same server's
cheapest answers (a static file and the sign-in page) measured in the same run.

    python bench/pages/run.py [--size large|small] [--data-dir DIR] [--duration 30]
                              [--users 50] [--threads 4] [--out bench/pages/results.json]

1. The data directory: `expediente demo --size SIZE --no-serve --data-dir DIR` (the demo case
   imported, linked and estimated, the `demo` owner with a confirmed authenticator); a second
   run reuses it (the command does). Without `--data-dir`, a throwaway one under the system's
   temporary folder, kept for the next run.
2. The server as a team runs it: `expediente serve` (waitress, `--threads 4` by default, the
   background-job worker beside it), on a free port of 127.0.0.1.
3. Signing in once through the real pages, as a person would: the password, then the
   authenticator's current code (computed from the demo account's TOTP secret, as its phone
   would); the signed-in, verified session's cookies are shared by every simulated client.
4. Per page, locust headless (`FastHttpUser`, no think time) for `--duration` seconds at
   `--users` clients (all started within the first second; the statistics are reset once they
   are all running), then the same again with one client: its times are the page's own cost
   with nothing queued in front of it. The detail pages pick a uid at random, per request, from
   a sample of the case's records read from the database.
5. p50/p95/p99, requests/s, failures and the server's CPU seconds per request of each page,
   and the ratios of each page to the static file and to the sign-in page, into `--out`.

Every answer other than 200 counts as a failure (a redirect to the sign-in page too).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EXPEDIENTE = Path(sys.executable).with_name("expediente")
LOCUST = Path(sys.executable).with_name("locust")
SEED = 7  # `expediente demo`'s default: its case is DEMO-<SIZE>-7
#: The pages measured, in order: the two baselines first.
PAGES = ("static file", "sign-in page", "act list", "act detail", "person", "testimony")
GOAL_P95_MS = 100


# -- the data directory -------------------------------------------------------------------------


def _environment(data_dir: Path) -> dict[str, str]:
    from expediente_web.cli.demo import DEMO_PASSPHRASE

    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the embedded SQLite database
    env.pop("EXPEDIENTE_KEY_PASSPHRASE_FILE", None)
    env["EXPEDIENTE_KEY_PASSPHRASE"] = DEMO_PASSPHRASE  # the demo's: synthetic data only
    env["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    return env


def prepare(data_dir: Path, size: str) -> dict[str, str]:
    """The demo case in `data_dir` (built once), and the demo login."""
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        [
            str(EXPEDIENTE),
            "demo",
            "--size",
            size,
            "--seed",
            str(SEED),
            "--no-serve",
            "--data-dir",
            str(data_dir),
        ],
        env=_environment(data_dir),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"expediente demo failed:\n{done.stdout}\n{done.stderr}")
    login = {}
    for key in ("user", "password", "TOTP secret"):
        found = re.search(rf"^\s+{re.escape(key)}: (\S+)", done.stdout, re.MULTILINE)
        if found is None:
            sys.exit(f"expediente demo printed no {key}:\n{done.stdout}")
        login[key] = found.group(1)
    case = re.search(r"the demo case (\S+):", done.stdout)
    login["case"] = case.group(1) if case else f"DEMO-{size.upper()}-{SEED}"
    print(
        f"data directory {data_dir} ready in {time.perf_counter() - started:.0f} s "
        f"(case {login['case']})",
        flush=True,
    )
    return login


def sample_uids(data_dir: Path, case_code: str, size: int) -> dict[str, list[str]]:
    """Random uids of the case's acts, persons (source records) and testimonies."""
    from expediente_web.cli.demo import DEMO_PASSPHRASE
    from expediente_web.protection.keyring import load_keyring
    from expediente_web.protection.sqlcipher_backend.keyed import connect

    # The demo's database is encrypted (SQLCipher) under its key ring's database key.
    ring = load_keyring(data_dir / "keys.json", DEMO_PASSPHRASE)
    db, _ = connect(f"file:{data_dir / 'expediente.sqlite3'}?mode=ro", lambda: ring, uri=True)
    try:
        (case_id,) = db.execute("SELECT id FROM cases_case WHERE code = ?", (case_code,)).fetchone()
        out = {}
        for kind, table in (
            ("act", "records_act"),
            ("person", "records_person"),
            ("testimony", "records_testimony"),
        ):
            rows = db.execute(
                f"SELECT uid FROM {table} WHERE case_id = ? AND deleted_at IS NULL "  # noqa: S608 (identifiers from the models, values bound as parameters)
                "ORDER BY random() LIMIT ?",
                (case_id, size),
            ).fetchall()
            if not rows:
                sys.exit(f"the case {case_code} has no {kind} to sample")
            out[kind] = [uid for (uid,) in rows]
            out[f"{kind}_total"] = db.execute(
                f"SELECT count(*) FROM {table} WHERE case_id = ? AND deleted_at IS NULL", (case_id,)  # noqa: S608 (identifiers from the models, values bound as parameters)
            ).fetchone()[0]
        return out
    finally:
        db.close()


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path, port: int, threads: int) -> subprocess.Popen:
    log = open(data_dir / "bench-serve.log", "w", encoding="utf-8")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603 (a fixed argv of our own, no shell)
        [
            str(EXPEDIENTE),
            "serve",
            "--data-dir",
            str(data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        env=_environment(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"expediente serve stopped: see {log.name}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/login/", timeout=60).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.5)
    server.terminate()
    sys.exit("expediente serve did not answer within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()  # `serve` stops its worker on SIGTERM
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds of the server process (the web server only, not the worker beside it)."""
    times = psutil.Process(server.pid).cpu_times()
    return times.user + times.system


# -- signing in ---------------------------------------------------------------------------------


def sign_in(base: str, login: dict[str, str], case_code: str) -> list[dict]:
    """The cookies of a session signed in through the sign-in pages with both factors."""
    import base64

    from django_otp.oath import totp

    http = requests.Session()
    http.get(f"{base}/login/", timeout=30).raise_for_status()
    answer = http.post(
        f"{base}/login/",
        timeout=30,
        allow_redirects=False,
        data={
            "username": login["user"],
            "password": login["password"],
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        },
    )
    where = answer.headers.get("Location", "")
    if answer.status_code != 302 or "two-factor/verify" not in where:
        sys.exit(
            f"the password step did not lead to the second step ({answer.status_code} {where!r})"
        )
    key = base64.b32decode(login["TOTP secret"])
    # A code is accepted once: if this step's code was used already (a run in the same 30 s),
    # the next step's is in the verifier's window too.
    for drift in (0, 1):
        code = f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"
        answer = http.post(
            f"{base}{where}",
            timeout=30,
            allow_redirects=False,
            data={"code": code, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
        )
        if answer.status_code == 302:
            break
    else:
        sys.exit("the authenticator code was refused at the second step")
    check = http.get(f"{base}/cases/{case_code}/acts/", timeout=120, allow_redirects=False)
    if check.status_code != 200:
        sys.exit(f"signed in, but the act list answered {check.status_code}")
    return [
        {"name": c.name, "value": c.value, "domain": c.domain, "path": c.path} for c in http.cookies
    ]


# -- one page under load ------------------------------------------------------------------------


def run_locust(
    base: str, plan_file: Path, page: str, users: int, duration: int, work: Path
) -> dict:
    slug = re.sub(r"\W+", "-", page)
    prefix = work / f"locust-{slug}-{users}"
    env = dict(os.environ, BENCH_PAGES_PLAN=str(plan_file), BENCH_PAGES_PAGE=page)
    done = subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        [
            str(LOCUST),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{duration}s",
            "--reset-stats",
            "--only-summary",
            "--csv",
            str(prefix),
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    stats = prefix.with_name(prefix.name + "_stats.csv")
    if not stats.exists():
        sys.exit(f"locust wrote no statistics for {page}:\n{done.stdout}\n{done.stderr}")
    with open(stats, encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")

    def number(key: str) -> float:
        value = row[key]
        return float(value) if value not in ("", "N/A") else float("nan")

    failures = prefix.with_name(prefix.name + "_failures.csv")
    reasons = []
    if failures.exists():
        with open(failures, encoding="utf-8", newline="") as handle:
            reasons = [f"{r['Occurrences']}× {r['Error']}" for r in csv.DictReader(handle)][:5]
    return {
        "requests": int(number("Request Count")),
        "failures": int(number("Failure Count")),
        "failure_reasons": reasons,
        "rps": round(number("Requests/s"), 1),
        "p50_ms": number("50%"),
        "p95_ms": number("95%"),
        "p99_ms": number("99%"),
        "mean_ms": round(number("Average Response Time"), 1),
        "max_ms": number("Max Response Time"),
    }


def measure(
    base: str,
    plan_file: Path,
    page: str,
    users: int,
    duration: int,
    work: Path,
    server: subprocess.Popen,
) -> dict:
    cpu, wall = server_cpu(server), time.perf_counter()
    figures = run_locust(base, plan_file, page, users, duration, work)
    cpu, wall = server_cpu(server) - cpu, time.perf_counter() - wall
    # The server's CPU over the whole locust run (spawning and stopping too) per counted
    # request: a slight overestimate, the same for every page.
    figures["server_cpu_ms_per_request"] = (
        round(1000 * cpu / figures["requests"], 1) if figures["requests"] else None
    )
    figures["server_cpu_share"] = round(cpu / wall, 2)
    return figures


# -- the run ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data directory of the demo case, built there when missing "
        "[default: one per size under the temporary folder, reused]",
    )
    parser.add_argument("--duration", type=int, default=30, help="seconds per page and load")
    parser.add_argument("--users", type=int, default=50, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=4, help="`expediente serve --threads`")
    parser.add_argument("--sample", type=int, default=500, help="uids sampled per record kind")
    parser.add_argument(
        "--no-single", action="store_true", help="leave out the pass with one client"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    data_dir = (
        args.data_dir or Path(tempfile.gettempdir()) / f"expediente-bench-pages-{args.size}"
    ).resolve()
    login = prepare(data_dir, args.size)
    case = login["case"]
    uids = sample_uids(data_dir, case, args.sample)
    work = data_dir / "bench-pages"
    work.mkdir(exist_ok=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    server = start_server(data_dir, port, args.threads)
    try:
        cookies = sign_in(base, login, case)
        prefix = f"/cases/{case}"
        plan = {
            "cookies": cookies,
            "pages": {
                "static file": {"paths": ["/static/site/site.css"], "signed_in": False},
                "sign-in page": {"paths": ["/login/"], "signed_in": True},
                "act list": {"paths": [f"{prefix}/acts/"], "signed_in": True},
                "act detail": {
                    "paths": [f"{prefix}/acts/{u}/" for u in uids["act"]],
                    "signed_in": True,
                },
                "person": {
                    "paths": [f"{prefix}/persons/{u}/" for u in uids["person"]],
                    "signed_in": True,
                },
                "testimony": {
                    "paths": [f"{prefix}/testimonies/{u}/" for u in uids["testimony"]],
                    "signed_in": True,
                },
            },
        }
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        loads = [args.users] + ([] if args.no_single or args.users == 1 else [1])
        results: dict[str, dict] = {}
        for users in loads:
            for page in PAGES:
                figures = measure(base, plan_file, page, users, args.duration, work, server)
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
        stop_server(server)

    for by_load in results.values():
        for users, figures in by_load.items():
            for base_page, key in (("static file", "vs_static"), ("sign-in page", "vs_sign_in")):
                ref = results[base_page][users]
                figures[key] = {
                    "p95": round(figures["p95_ms"] / ref["p95_ms"], 2) if ref["p95_ms"] else None,
                    "rps": round(figures["rps"] / ref["rps"], 3) if ref["rps"] else None,
                }
            figures["meets_goal"] = figures["p95_ms"] < GOAL_P95_MS and not figures["failures"]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/pages/run.py " + " ".join(argv or sys.argv[1:]),
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
        "records": {k: v for k, v in uids.items() if k.endswith("_total")},
        "sampled_uids_per_kind": args.sample,
        "goal": f"p95 < {GOAL_P95_MS} ms at {args.users} clients",
        "pages": results,
    }
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
