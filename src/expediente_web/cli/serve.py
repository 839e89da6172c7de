"""`expediente serve`: serve the web application with waitress."""

from __future__ import annotations

import click

from expediente_web.cli.failures import open_database, user_errors
from expediente_web.cli.setup import data_dir_option


@click.command(name="serve")
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface: put TLS in front).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Run background jobs in a worker process beside the server.")
def command(host: str, port: int, threads: int, worker: bool) -> None:
    """Start the web application (production-grade server, waitress)."""
    with user_errors():
        open_database()
        from expediente_web.protection.cipher import current_keyring

        current_keyring()  # fail now, clearly, rather than on the first protected page
    try:
        import waitress
    except ImportError:
        raise click.ClickException("waitress is not installed: pip install waitress") from None
    from django.conf import settings

    from expediente_web.wsgi import application

    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"Serving Expediente at http://{shown}:{port}/ (data: {settings.DATA_DIR})")
    click.echo("Press Ctrl+C to stop.")
    if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
        settings.ALLOWED_HOSTS.append(host)
    from expediente_web.jobs.worker import start_beside, stop_beside

    child = start_beside() if worker else None
    try:
        waitress.serve(application, host=host, port=port, threads=threads, ident="expediente")
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc}") from None
    finally:
        if child is not None:
            stop_beside(child)
