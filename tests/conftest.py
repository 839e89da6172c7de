"""Session set-up shared by every test.

The database is SQLite unless `EXPEDIENTE_TEST_DB=postgres`, in which case a throwaway PostgreSQL
cluster is started for the run (see tests/support/postgres.py). Each run gets its own data
directory and a fresh key ring in the environment, so no test touches a real key file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

_stack = contextlib.ExitStack()
# The command line's reports in English whatever the machine's locale (tests that want Spanish
# say `--lang es`).
os.environ["EXPEDIENTE_LANG"] = "en"


def _prepare_environment() -> None:
    """Runs when this file is imported, before Django reads its settings.

    Without Django installed (the analysis core on its own) only tests/core can run, and this
    does nothing.
    """
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        import django
    except ImportError:
        return
    data_dir = Path(tempfile.mkdtemp(prefix="expediente-test-"))
    os.environ["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    from expediente_web.protection.keyring import new_keyring

    os.environ["EXPEDIENTE_KEYS"] = new_keyring().to_json()
    # Commands run in a subprocess without EXPEDIENTE_KEYS seal their key ring with this one.
    os.environ["EXPEDIENTE_KEY_PASSPHRASE"] = "synthetic passphrase of the test suite"
    if os.environ.get("EXPEDIENTE_TEST_DB") == "postgres":
        from support.postgres import running_cluster

        os.environ["DATABASE_URL"] = _stack.enter_context(running_cluster())
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "expediente_web.settings"
    django.setup()


_prepare_environment()


def pytest_unconfigure(config):
    _stack.close()


def pytest_report_header(config):
    return f"database: {os.environ.get('EXPEDIENTE_TEST_DB', 'sqlite')}"


try:
    import pytest_django  # noqa: F401
except ImportError:  # the analysis core on its own
    pass
else:
    import pytest

    @pytest.fixture(autouse=True)
    def _own_evidence_store(tmp_path_factory, settings):
        """Each test stores evidence in a store of its own: a test's rows are rolled back after
        it, its files are not, and another test's rotation would rewrap them under its ring."""
        settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path_factory.mktemp("evidence")
