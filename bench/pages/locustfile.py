"""The simulated team member of the page benchmark: one page, asked again and again, no think
time. `run.py` starts locust on this file once per page; the page and everything it needs (the
signed-in session cookie, the sampled record uids) come in a JSON file named by
`BENCH_PAGES_PLAN`, and the page's name by `BENCH_PAGES_PAGE`.

A response other than 200 (a redirect to the sign-in page included) counts as a failure, so a
session that stopped being signed in cannot pass for a fast page.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

PLAN = json.loads(Path(os.environ["BENCH_PAGES_PLAN"]).read_text(encoding="utf-8"))
PAGE = PLAN["pages"][os.environ["BENCH_PAGES_PAGE"]]


class TeamMember(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        # The cookies made by signing in through the real pages; the server's answers (a
        # renewed expiry: SESSION_SAVE_EVERY_REQUEST) keep the same session key.
        if PAGE["signed_in"]:
            for cookie in PLAN["cookies"]:
                self.client.cookiejar.set_cookie(create_cookie(**cookie))

    @task
    def page(self) -> None:
        paths = PAGE["paths"]
        path = paths[0] if len(paths) == 1 else random.choice(paths)  # noqa: S311 (synthetic data, not a secret)
        with self.client.get(
            path, name=os.environ["BENCH_PAGES_PAGE"], allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")
            else:
                response.success()
