"""`expediente export --for RECIPIENT`: an export for anyone outside the team carries only the
testimonies whose witness consented to that recipient, and says how many it left out and why;
the default, the team's own copy, carries them all, as before."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db

ICC_PHRASE = "hablé con el fiscal sobre el sótano gris"
NO_ICC_PHRASE = "solo para el equipo: la celda del tercer piso"
NO_ICC_QUOTE = "la celda del tercer piso"
NO_ICC_COMMENT = "Comentario sobre el tercer piso"
HOSTILE = "<script>alert(1)</script>"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def case_code(tmp_path):
    from expediente.demo import generate, write_demo_case
    from expediente_web.cases.models import Case
    from expediente_web.evidence.actions import do_create_excerpt
    from expediente_web.records.actions import do_add_comment, do_create_testimony

    write_demo_case(generate(5, "small"), tmp_path / "demo")
    assert invoke("import", tmp_path / "demo", "--case", "demo-5").exit_code == 0
    invoke("user", "create", "ana", "--no-login", "--role", "analyst", "--case", "demo-5")
    from django.contrib.auth import get_user_model

    ana = get_user_model().objects.get(username="ana")
    case = Case.objects.get(code="demo-5")
    source = case.sources.order_by("code").first()
    do_create_testimony(
        ana,
        case,
        f"{ICC_PHRASE} {HOSTILE}",
        "es",
        source=source,
        consent_scopes=["consent.interview", "consent.share_icc"],
        source_record_id="icc-yes",
    )
    withheld = do_create_testimony(
        ana,
        case,
        NO_ICC_PHRASE,
        "es",
        source=source,
        consent_scopes=["consent.interview", "consent.share_un"],
        source_record_id="icc-no",
        notes="nota del tercer piso",
    )
    start = NO_ICC_PHRASE.index(NO_ICC_QUOTE)
    excerpt = do_create_excerpt(
        ana,
        case,
        testimony=withheld,
        start=start,
        end=start + len(NO_ICC_QUOTE),
        quote=NO_ICC_QUOTE,
    )
    do_add_comment(ana, withheld, NO_ICC_COMMENT)
    do_add_comment(ana, excerpt, NO_ICC_COMMENT + " (extracto)")
    return "demo-5"


def _bytes_of(folder):
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _icc_scoped():
    from expediente_web.records.models import Testimony

    every = list(Testimony.objects.filter(case__code="demo-5"))
    return sum("consent.share_icc" in (t.consent_scopes or []) for t in every), len(every)


def test_an_export_for_the_icc_leaves_out_a_testimony_without_its_consent(case_code, tmp_path):
    out = tmp_path / "icc"
    result = invoke("export", "--case", case_code, "--out", out, "--for", "icc", "--user", "ana")
    assert result.exit_code == 0, result.output
    written = _bytes_of(out)
    assert ICC_PHRASE.encode() in written
    assert NO_ICC_PHRASE.encode() not in written
    assert NO_ICC_QUOTE.encode() not in written
    assert b"tercer piso" not in written  # nor its notes, its excerpt or comments on them
    allowed, every = _icc_scoped()
    withheld = every - allowed
    assert withheld >= 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["recipient"] == "icc"
    assert manifest["counts"]["testimonies"] == allowed
    assert manifest["consent"]["withheld"]["testimonies"] == withheld
    assert manifest["consent"]["withheld"]["comments"] == 2
    assert manifest["consent"]["withheld_for_want_of"] == {"consent.share_icc": withheld}
    said = f"Withheld: {withheld:,} testimon"
    assert said in result.stdout and "consent.share_icc not given" in result.stdout
    assert said in (out / "README.txt").read_text(encoding="utf-8")


def test_the_default_export_is_the_teams_and_unchanged(case_code, tmp_path):
    default = invoke("export", "--case", case_code, "--out", tmp_path / "default")
    team = invoke("export", "--case", case_code, "--out", tmp_path / "team", "--for", "team")
    assert default.exit_code == team.exit_code == 0, default.output + team.output
    assert "internal use" in default.stdout and "every testimony is included" in default.stdout
    written = _bytes_of(tmp_path / "default")
    assert ICC_PHRASE.encode() in written and NO_ICC_PHRASE.encode() in written
    assert NO_ICC_COMMENT.encode() in written
    manifest = json.loads((tmp_path / "default" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["recipient"] == "team" and manifest["consent"]["withheld"] == {}
    _, every = _icc_scoped()
    assert manifest["counts"]["testimonies"] == every
    for path in sorted((tmp_path / "default").rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            twin = tmp_path / "team" / path.relative_to(tmp_path / "default")
            assert twin.read_bytes() == path.read_bytes(), path


def test_an_unknown_recipient_is_refused_naming_the_option(case_code, tmp_path):
    result = invoke("export", "--case", case_code, "--out", tmp_path / "x", "--for", "press")
    assert result.exit_code == 2
    assert "--for" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_an_export_for_the_public_needs_verbatim_consent_and_no_identities(case_code, tmp_path):
    refused = invoke(
        "export",
        "--case",
        case_code,
        "--out",
        tmp_path / "p",
        "--for",
        "public",
        "--include-protected",
        "--user",
        "ana",
    )
    assert refused.exit_code == 2 and "--include-protected" in refused.stderr
    assert not (tmp_path / "p").exists()
    result = invoke("export", "--case", case_code, "--out", tmp_path / "pub", "--for", "public")
    assert result.exit_code == 0, result.output
    written = _bytes_of(tmp_path / "pub")
    assert ICC_PHRASE.encode() not in written and NO_ICC_PHRASE.encode() not in written
    manifest = json.loads((tmp_path / "pub" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["consent"]["needs"] == ["consent.publish_anonymised"]
