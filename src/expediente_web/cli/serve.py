"""`expediente serve`: serve the web application with waitress."""

from __future__ import annotations

import signal
import socket
import sys

import click

from expediente_web.cli.failures import user_errors
from expediente_web.cli.opening import open_database
from expediente_web.cli.setup import data_dir_option

DEFAULT_PORT = 8000
#: How many ports after the default are tried when it is taken and no port was asked for.
PORTS_TRIED = 20


def _taken(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def choose_port(host: str, asked: int | None) -> int:
    """The port asked for, refused plainly when taken; else the default or the next free one."""
    if asked is not None:
        if _taken(host, asked):
            raise click.ClickException(
                f"Port {asked} on {host} is taken (another program listens there): choose "
                f"another, e.g. --port {asked + 1} (with make: PORT={asked + 1} make demo).")
        return asked
    for port in range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED):
        if not _taken(host, port):
            if port != DEFAULT_PORT:
                click.echo(f"Port {DEFAULT_PORT} is taken; using {port} instead "
                           "(choose one with --port, or PORT=… make demo).", err=True)
            return port
    raise click.ClickException(
        f"Ports {DEFAULT_PORT}–{DEFAULT_PORT + PORTS_TRIED - 1} on {host} are all taken: choose "
        "a free one with --port N (or PORT=N make demo).")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(0)  # unwinds through the `finally` that stops the worker


@click.command(name="serve")
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface: put TLS in front).")
@click.option("--port", default=None, type=click.IntRange(1, 65535),
              help=f"Port to listen on [default: {DEFAULT_PORT}, or the next free one when it "
                   "is taken].")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Run background jobs in a worker process beside the server.")
def command(host: str, port: int | None, threads: int, worker: bool) -> None:
    """Start the web application (production-grade server, waitress)."""
    with user_errors():
        open_database()
        from expediente_web.protection.cipher import current_keyring

        current_keyring()  # fail now, clearly, rather than on the first protected page
        from expediente_web.protection.secret_key import require_secret_key

        require_secret_key()  # sessions and CSRF tokens are signed with it: no built-in one
    try:
        import waitress
    except ImportError:
        raise click.ClickException("waitress is not installed: pip install waitress") from None
    from django.conf import settings

    from expediente_web.wsgi import application

    port = choose_port(host, port)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"Serving Expediente at http://{shown}:{port}/ (data: {settings.DATA_DIR})")
    click.echo("Press Ctrl+C to stop.")
    if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):  # noqa: S104 (compares, does not bind: a host the operator chose)
        settings.ALLOWED_HOSTS.append(host)
    from expediente_web.jobs.worker import start_beside, stop_beside

    child = start_beside() if worker else None
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        waitress.serve(application, host=host, port=port, threads=threads, ident="expediente")
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child is not None:
            stop_beside(child)
