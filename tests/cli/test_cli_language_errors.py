"""`expediente --lang es`: a value the services refuse, and a role that does not allow the work,
are explained in Spanish (exit 2 and 3, no traceback); without it, in English as before."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from django.utils import translation

from expediente.cli import main

pytestmark = pytest.mark.django_db


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(autouse=True)
def _language_back():
    # A command activates its language for the rest of this process; the next test starts clean.
    yield
    translation.deactivate()


@pytest.fixture
def sources_file(tmp_path):
    assert invoke("case", "create", "c1", "--title", "Synthetic case").exit_code == 0
    path = tmp_path / "sources.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "name", "kind"])
        writer.writerow(["SRC-01", "Lista ficticia", "source.ngo_list"])
    return path


def test_a_refused_import_value_is_explained_in_spanish(sources_file):
    args = ("import", sources_file, "--case", "c1", "--kind", "sources", "--update")
    spanish = invoke("--lang", "es", *args)
    assert spanish.exit_code == 2, spanish.output
    assert "Traceback" not in spanish.output
    assert (
        "Dato no válido — update: una nueva versión de una lista actualiza las filas por su "
        "identificador de fila: solo archivos de víctimas, actos y testimonios, no sources"
    ) in spanish.stderr
    english = invoke("--lang", "en", *args)
    assert english.exit_code == 2
    assert (
        "Invalid input — update: a new version of a list updates rows by their row id: "
        "victims, acts and testimonies files, not sources"
    ) in english.stderr


def test_a_missing_role_is_explained_in_spanish(sources_file):
    assert invoke("user", "create", "nadia", "--no-login").exit_code == 0
    args = ("import", sources_file, "--case", "c1", "--kind", "sources", "--user", "nadia")
    spanish = invoke("--lang", "es", *args)
    assert spanish.exit_code == 3, spanish.output
    assert (
        "No permitido: nadia no puede importar archivos en el caso c1 (rol: ninguno)"
        in spanish.stderr
    )
    english = invoke(*args)  # the suite's EXPEDIENTE_LANG=en
    assert english.exit_code == 3
    assert "Not permitted: nadia may not import files in case c1 (role: none)" in english.stderr


def test_a_refused_case_code_is_explained_in_spanish():
    result = invoke("--lang", "es", "case", "create", "no válido!", "--title", "Caso ficticio")
    assert result.exit_code == 2, result.output
    assert (
        "code: 'no válido!' debe tener solo letras, cifras, - o _ (64 como máximo)"
        in result.stderr
    )
