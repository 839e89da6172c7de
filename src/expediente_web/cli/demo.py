"""`expediente demo`: a data directory holding the synthetic demo case, served with a demo login."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors

DEMO_USER = "demo"
#: The demo's independent panel: three reviewers of the case, signed in with the demo password.
DEMO_PANEL = ("panel-1", "panel-2", "panel-3")
LOGIN_FILE = "demo-login.txt"
#: The passphrase of the demo's key ring: fixed and printed, since the demo case is synthetic.
DEMO_PASSPHRASE = "demo-passphrase-synthetic-data-only"  # noqa: S105 (the synthetic demo's published passphrase)


def _remember_data_dir(ctx: click.Context, param: click.Parameter, value: str) -> str:
    # Set before Django reads its settings, as `--data-dir` does for the other commands.
    os.environ["EXPEDIENTE_DATA_DIR"] = value
    return value


def demo_password(data_dir: Path) -> str:
    """The demo account's password: made once per data directory and kept there (mode 0600),
    so a second run prints the same login."""
    path = data_dir / LOGIN_FILE
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("password:"):
                return line.split(":", 1)[1].strip()
    password = "demo-" + secrets.token_urlsafe(9)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"DEMO ACCOUNT of a synthetic case (not for real data)\nuser: {DEMO_USER}\n"
                     f"password: {password}\nkey ring passphrase: {DEMO_PASSPHRASE}\n")
    return password


def load_demo_case(seed: int, size: str, echo: Any = click.echo) -> tuple[Any, bool]:
    """Generate the demo case and import it (the same code path as `expediente import DIR`).

    Returns the case and whether it was imported now (False: it was already there).
    """
    from expediente.demo import generate, write_demo_case
    from expediente.demo.generator import step_count
    from expediente_web.cases.models import Case
    from expediente_web.cli.import_ import BarProgress
    from expediente_web.intake.case_directory import do_import_case_directory

    # The generator names its case DEMO-<SIZE>-<seed>: a second run need not generate it again.
    existing = Case.objects.filter(code=f"DEMO-{size.upper()}-{seed}").first()
    if existing is not None:
        return existing, False
    with tempfile.TemporaryDirectory(prefix="expediente-demo-") as tmp:
        show = sys.stderr.isatty()
        with click.progressbar(length=step_count(), label=f"Generating the {size} demo case",
                               file=sys.stderr, hidden=not show) as bar:
            demo = generate(seed, size, progress=bar.update)  # type: ignore[arg-type]
        code = str(demo.structure.get("case", {}).get("code") or f"demo-{size}-{seed}")
        existing = Case.objects.filter(code=code).first()
        if existing is not None:
            return existing, False
        write_demo_case(demo, tmp)
        progress = BarProgress("Importing the demo case")
        try:
            do_import_case_directory(code, tmp, actor=None, progress=progress)
        finally:
            progress.close()
        return Case.objects.get(code=code), True


def ensure_demo_login(case: Any, password: str) -> Any:
    """The `demo` user, owner of the demo case (created on the first run)."""
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_user, do_set_membership
    from expediente_web.cases.models import Membership

    user = get_user_model().objects.filter(username=DEMO_USER).first()
    if user is None:
        user = do_create_user(None, DEMO_USER, password)
    if not Membership.objects.filter(case=case, user=user, role="role.owner").exists():
        do_set_membership(None, case, user, "role.owner")
    return user


def ensure_demo_panel(case: Any, password: str) -> list[Any]:
    """The demo's three panel reviewers (`role.reviewer`, the demo password), created on the
    first run, so that a tester can freeze the element matrix and review it blind in three
    browser sessions. A reviewer sees no identifying data and signs in with a password only."""
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_user, do_set_membership
    from expediente_web.cases.models import Membership

    panel = []
    for name in DEMO_PANEL:
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            user = do_create_user(None, name, password)
        if not Membership.objects.filter(case=case, user=user).exists():
            do_set_membership(None, case, user, "role.reviewer")
        panel.append(user)
    return panel


def ensure_demo_authenticator(user: Any) -> Any:
    """The demo account's authenticator (TOTP), confirmed, so that a tester signs in with both
    factors: its secret is printed with the login. An owner sees identities and so needs two
    factors, in the demo as anywhere."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from expediente_web.accounts.access import TOTP_DEVICE
    from expediente_web.audit.record import record_write

    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=True)
            record_write(None, "create_demo_authenticator", user, {"user": user.username})
    return device


def analyse_demo_case(case: Any, user: Any, echo: Any = click.echo) -> None:
    """Link the demo case's victims and estimate their total once, so that the review queue,
    the person pages and the patterns page have something to show."""
    from expediente_web.analyses.actions import (
        ESTIMATE_DEFAULTS,
        do_run_estimate,
        do_run_linkage,
    )
    from expediente_web.analyses.models import EstimateRun, LinkRun

    if not LinkRun.objects.filter(case=case).exists():
        echo("Linking the victim records across sources…", err=True)
        run = do_run_linkage(user, case, progress=lambda stage: echo(f"  {stage}", err=True))
        echo(f"Linked {run.records:,} victim records into {run.persons:,} persons "
             f"({run.review_pairs.count():,} uncertain pairs await review).")
    if not EstimateRun.objects.filter(case=case).exists():
        chains = ESTIMATE_DEFAULTS["lcmcr"]["chains"]
        with click.progressbar(length=chains, label="Estimating the total (LCMCR chains)",
                               file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
            estimate = do_run_estimate(user, case, "lcmcr", lists="kind", seed=12345,
                                       progress=bar.update)
        total = estimate.result.get("total") or estimate.result["estimates"][0]
        interval = total["intervals"][0]
        echo(f"Estimated {total['estimate']:,.0f} victims in all, 95% interval "
             f"[{interval['lower']:,.0f}, {interval['upper']:,.0f}] (LCMCR on the lists by kind "
             "of source).")


@click.command(name="demo")
@click.option("--data-dir", default="demo-data", show_default=True, is_eager=True,
              callback=_remember_data_dir, type=click.Path(file_okay=False),
              help="Data directory of the demo (reused when run again).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo case.")
@click.option("--size", type=click.Choice(["small", "large"]), default="small",
              show_default=True, help="small loads in seconds; large has 100,000 acts.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=None, type=click.IntRange(1, 65535),
              help="Port to serve on [default: 8000, or the next free one when it is taken].")
@click.option("--no-serve", is_flag=True, help="Prepare the data directory, do not serve.")
@click.pass_context
def command(ctx: click.Context, data_dir: str, seed: int, size: str, host: str, port: int | None,
            no_serve: bool) -> None:
    """Set up a data directory with the synthetic demo case and a demo login, then serve it.

    Uses the embedded SQLite database (WAL mode). Running it again reuses the data directory:
    the case is imported once and the login stays the same. Every person and event in the demo
    case is fictional.
    """
    from expediente_web.cli import init
    from expediente_web.cli.setup import setup_django

    setup_django()
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith(("sqlite3", "sqlcipher_backend")):
        raise Refused("The demo runs on the embedded SQLite database: unset DATABASE_URL")
    # The demo's key ring is sealed with the fixed demo passphrase, so that neither `make demo`
    # nor the server it starts asks for one.
    os.environ["EXPEDIENTE_KEY_PASSPHRASE"] = DEMO_PASSPHRASE
    os.environ.pop("EXPEDIENTE_KEY_PASSPHRASE_FILE", None)
    ctx.invoke(init.command)
    with user_errors():
        from expediente_web.intake.importer import ImportRefused

        try:
            case, imported = load_demo_case(seed, size)
        except ImportRefused as refused:  # a generator bug, not a user error: say what broke
            from expediente_web.cli.import_ import report_problems

            report_problems(refused.outcome)
            raise Refused("The generated demo case did not pass the import checks") from None
        password = demo_password(Path(settings.DATA_DIR))
        user = ensure_demo_login(case, password)
        ensure_demo_panel(case, password)
        analyse_demo_case(case, user)
    click.echo("")
    click.echo(("Loaded" if imported else "Reusing") + f" the demo case {case.code}: "
               f"{case.title}")
    click.secho("DEMO ACCOUNT — synthetic data only, never use it for a real case:", bold=True)
    click.echo(f"  user: {DEMO_USER}")
    click.echo(f"  password: {password}")
    import base64

    device = ensure_demo_authenticator(user)
    click.echo(f"  TOTP secret: {base64.b32encode(device.bin_key).decode('ascii')}  (add it to "
               "an authenticator app, or open the URI below as a QR code)")
    click.echo(f"  otpauth URI: {device.config_url}")
    click.echo(f"  panel reviewers: {', '.join(DEMO_PANEL)} (the same password; no second "
               "factor: a reviewer sees no identifying data)")
    click.echo(f"  key ring passphrase: {DEMO_PASSPHRASE}")
    click.echo(f"  (kept in {Path(settings.DATA_DIR) / LOGIN_FILE}; other commands on this data "
               f"directory: EXPEDIENTE_KEY_PASSPHRASE={DEMO_PASSPHRASE} expediente --data-dir "
               f"{settings.DATA_DIR} …)")
    from expediente_web.cli import serve

    if not no_serve:
        port = serve.choose_port(host, port)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"  case page: http://{shown}:{port or serve.DEFAULT_PORT}/cases/{case.code}/")
    if no_serve:
        return

    ctx.invoke(serve.command, host=host, port=port, threads=4)
