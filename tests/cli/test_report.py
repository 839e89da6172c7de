"""`expediente report`: every edition of the demo case, in every format, holds none of the
protected values in the database (every byte of every file, the PDF's text extracted); a
testimony reaches an edition only with its witness's consent to that edition's recipient, and
its words a publication only with consent to verbatim quotation; the PDF renders; the edition's
signed manifest is checked by `expediente verify-release`, which finds any file changed, added
or removed; bad input is refused with exit 2 and a message, a role that may not make reports
with exit 3."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db

CASE = "demo-5"
PUBLIC_WORDS = "vi el portón azul del sótano"
NO_VERBATIM_WORDS = "conté lo del patio de tierra roja"
ICC_WORDS = "el fiscal supo de la escalera de caracol"
TEAM_WORDS = "solo el equipo sabe del cuarto sin ventanas"
LONELY_WORDS = "a mí sola me llevaron al galpón del río"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
REASONING_WORDS = "el razonamiento del analista sobre el sótano"
WITNESS_NAME = "Zoraida Betzabé Quevedo Ibarrola"
FORMATS = ("html", "site", "pdf")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    from expediente.demo import generate, write_demo_case

    folder = tmp_path_factory.mktemp("demo") / "demo"
    write_demo_case(generate(5, "small"), folder)
    return folder


@pytest.fixture
def report_case(demo_folder):
    """The demo case (seed 5, small) with testimonies of every kind of consent, excerpts that
    quote them (naming their witness), a commander and an estimate."""
    from django.contrib.auth import get_user_model

    from expediente_web.analyses.models import EstimateRun
    from expediente_web.cases.models import Case
    from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
    from expediente_web.records.actions import (
        do_create_person,
        do_create_position,
        do_create_testimony,
    )
    from expediente_web.records.models import Involvement

    assert invoke("import", demo_folder, "--case", CASE).exit_code == 0
    invoke("user", "create", "ana", "--no-login", "--role", "analyst", "--case", CASE)
    invoke("user", "create", "rita", "--no-login", "--role", "reviewer", "--case", CASE)
    ana = get_user_model().objects.get(username="ana")
    case = Case.objects.get(code=CASE)
    source = case.sources.order_by("code").first()
    acts, lonely = _acts_to_cite(ana, case)
    witness = do_create_person(
        ana,
        case,
        full_name=WITNESS_NAME,
        id_number="V-27.418.093",
        phone="0412-555-7781",
        sex="sex.female",
        age=41,
    )
    for words, scopes, ref in (
        (PUBLIC_WORDS, ["consent.publish_anonymised", "consent.verbatim_quotation"], "pub"),
        (NO_VERBATIM_WORDS, ["consent.publish_anonymised"], "pub-no-words"),
        (ICC_WORDS, ["consent.share_icc"], "icc"),
        (TEAM_WORDS, ["consent.interview"], "team"),
        (LONELY_WORDS, ["consent.publish_anonymised", "consent.verbatim_quotation"], "alone"),
    ):
        narrative = f"Yo, {WITNESS_NAME}, {words}. {HOSTILE}"
        t = do_create_testimony(
            ana,
            case,
            narrative,
            "es",
            source=source,
            witness=witness if ref == "pub" else None,
            witness_name=WITNESS_NAME,
            consent_scopes=scopes,
            source_record_id=f"report-{ref}",
            date="2017-05-14",
            notes=f"nota {words}",
        )
        excerpt = do_create_excerpt(
            ana, case, testimony=t, start=0, end=len(narrative), quote=narrative
        )
        for act in [lonely] if ref == "alone" else acts:
            do_cite_excerpt(ana, excerpt, act)
    unit_ids = list(
        Involvement.objects.filter(act__case=case, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    from collections import Counter

    from expediente_web.records.models import Unit

    busiest = Unit.objects.get(pk=Counter(unit_ids).most_common(1)[0][0])
    commander = do_create_person(
        ana,
        case,
        full_name="Teodoro Anselmo Villarroel Brizuela",
        id_number="V-9.876.001",
        sex="sex.male",
    )
    do_create_position(
        ana,
        case,
        commander,
        busiest,
        title="Director",
        is_commander=True,
        start="2014-01",
        end="2019-06",
    )
    from expediente_web.assessment import actions as assessment

    assessment.do_select_crime(ana, case, "art7.1.e")
    assessment.do_cite_evidence(ana, case, "art7.1.e.1", "act", "supports", act=acts[0])
    assessment.do_rate_element(
        ana, case, "art7.1.e.1", "ladder.reasonable_basis", f"{REASONING_WORDS}, {WITNESS_NAME}"
    )
    assessment.do_select_mode(ana, case, commander, "art28.a")
    assessment.do_rate_element(
        ana, case, "art28.a.3", "ladder.some_information", REASONING_WORDS, suspect=commander
    )
    EstimateRun.objects.create(
        case=case,
        actor="ana",
        method="loglinear",
        parameters={"lists": "kind"},
        result={
            "estimates": [
                {
                    "stratum": None,
                    "method": "loglinear",
                    "n_observed": 412,
                    "estimate": 655.4,
                    "intervals": [
                        {"lower": 540.2, "upper": 811.9, "level": 0.95, "method": "profile"}
                    ],
                }
            ]
        },
    )


def _acts_to_cite(actor, case):
    """Four acts of victims who share their age band, sex, state and year with at least four
    others (a passage about them may be quoted), and an act of a victim who shares them with
    no one (a passage about them would single them out)."""
    from collections import Counter

    from expediente_web.records.models import Act
    from expediente_web.reports.assembly import _counts, _key, _victims

    found, descriptive, _pk_of, _act_types = _counts(actor, case)
    victims = _victims(found.frame, descriptive)
    groups = Counter(_key(q, "year") for q in victims.values())
    crowd = {v for v, q in victims.items() if groups[_key(q, "year")] >= 8}
    alone = {v for v, q in victims.items() if groups[_key(q, "year")] == 1}
    assert crowd and alone
    by_victim = {}
    for act_uid, victim in found.frame.select("act_id", "victim_id").iter_rows():
        by_victim.setdefault(victim, act_uid)
    safe = [by_victim[v] for v in sorted(crowd)][:4]
    return (
        list(Act.objects.filter(uid__in=safe)),
        Act.objects.get(uid=by_victim[sorted(alone)[0]]),
    )


def protected_values():
    """Every protected value held in the database (persons' identifying fields, witnesses'
    names and contacts), decrypted, of four characters or more — except a bare year (a birth
    date recorded only to the year: years are everywhere in a report, down to the SVG
    namespace) and a value that is also the name of one of the case's places or units (an
    address recorded only as "Bolívar" is the state's name, which the place table shows)."""
    import re

    from expediente_web.records.models import Location, Person, Testimony, Unit
    from expediente_web.workspace.identities import PERSON_FIELDS

    values = set()
    for person in Person.objects.all():
        values |= {getattr(person, f) for f in PERSON_FIELDS}
    for t in Testimony.objects.all():
        values |= {t.witness_name, t.witness_contact}
    structure = set(Location.objects.values_list("name", flat=True))
    structure |= set(Unit.objects.values_list("name", flat=True))
    structure |= set(Unit.objects.values_list("acronym", flat=True))
    return {
        v.strip()
        for v in values
        if v
        and len(v.strip()) >= 4
        and not re.fullmatch(r"\d{4}", v.strip())
        and v.strip() not in structure
    }


def pdf_text(path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def everything_in(folder):
    """Every byte of every file (as text), and the text of every PDF."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
            if path.suffix == ".pdf":
                parts.append(pdf_text(path))
    return "\n".join(parts)


def make(tmp_path, edition, fmt, *extra):
    out = tmp_path / f"{edition}-{fmt}"
    result = invoke(
        "report",
        "--case",
        CASE,
        "--edition",
        edition,
        "--format",
        fmt,
        "--out",
        out,
        "--user",
        "ana",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return out, result


def _rendered_page_is_not_blank(pdf_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) >= 2
        image = pdf[0].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    histogram = image.histogram()
    dark = sum(histogram[:200])
    assert dark > 0.005 * image.width * image.height


def test_the_public_edition_in_every_format_holds_no_protected_value(report_case, tmp_path):
    values = protected_values()
    assert len(values) > 100  # the demo's names, ID numbers, phones… and the witness's
    assert WITNESS_NAME in values
    for fmt in FORMATS:
        out, _ = make(tmp_path, "public", fmt, "--lang", "es" if fmt == "pdf" else "en")
        text = everything_in(out)
        assert sorted(v for v in values if v in text) == [], fmt
        # the words of the testimony with verbatim consent, its witness pseudonymised
        flat = " ".join(text.split())
        assert PUBLIC_WORDS in flat, fmt
        if fmt != "pdf":  # in a PDF it is text, laid out as such
            assert "<script>alert(1)</script>" not in text  # escaped: inert
        # no words without verbatim consent, no testimony without consent to publication
        assert NO_VERBATIM_WORDS not in flat and ICC_WORDS not in flat
        assert TEAM_WORDS not in flat
        assert "nota " not in text  # never the team's notes
        # the element findings: rungs and evidence counts, never the analyst's reasoning, and
        # no suspect's matrix in a public edition
        assert REASONING_WORDS not in flat, fmt
        if fmt != "pdf":
            assert "Findings on the elements" in text, fmt
            assert "Individual responsibility" not in text, fmt
        # a passage about a victim no one else shares age band, sex, state and year with
        assert LONELY_WORDS not in flat
        if fmt == "pdf":
            _rendered_page_is_not_blank(out / "report.pdf")
            # --lang es: the act types by their Spanish labels
            assert _first_act_type("es") in text and _first_act_type("es") != _first_act_type("en")
        if fmt == "html":
            html = (out / "report.html").read_text(encoding="utf-8")
            assert 'lang="en"' in html and "Methodology annex" in html
        if fmt == "site":
            _links_only_to_its_own_files(out)


def _first_act_type(language):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Case
    from expediente_web.reports.assembly import assemble

    ana = get_user_model().objects.get(username="ana")
    return assemble(ana, Case.objects.get(code=CASE), "public", language).by_type.rows[0].label


def _links_only_to_its_own_files(out):
    import re

    names = {p.name for p in out.iterdir()}
    assert {"index.html", "acts.html", "methodology.html", "style.css"} <= names
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert "//" not in ref and (out / ref).is_file(), (page.name, ref)
        assert "<script" not in html and " style=" not in html and "<style" not in html


def test_each_edition_carries_only_the_testimonies_consented_to_its_recipient(
    report_case, tmp_path
):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Case
    from expediente_web.reports.assembly import assemble

    values = protected_values()
    for edition in ("otp", "oas", "iachr", "confidential"):
        out, _ = make(tmp_path, edition, "html")
        text = " ".join(everything_in(out).split())
        assert sorted(v for v in values if v in text) == [], edition
        assert (ICC_WORDS in text) == (edition in ("otp", "confidential")), edition
        assert (TEAM_WORDS in text) == (edition == "confidential"), edition
        assert (PUBLIC_WORDS in text) == (edition == "confidential"), edition
        # quoted for the team, with the warning that the edition must not be published
        assert (LONELY_WORDS in text) == (edition == "confidential"), edition
        assert ("must not be published" in text) == (edition == "confidential"), edition
        # the suspects' matrices, by pseudonym, without the analyst's reasoning
        assert "Individual responsibility" in text and REASONING_WORDS not in text, edition

    ana = get_user_model().objects.get(username="ana")
    data = assemble(ana, Case.objects.get(code=CASE), "public")
    for table in data.tables:
        for row in table.rows:
            assert row.value is None or row.value == 0 or row.value >= 5, (table.name, row)
            assert row.value is not None or row.reason in ("small", "secondary")
    assert any(row.value is None for t in data.tables for row in t.rows)  # the demo has some
    assert data.disclosure.singled_out == 1 and data.disclosure.passages_left_out == 1
    assert data.disclosure.date_level == "year"
    assert [q.date for q in data.testimonies.quotes] == ["2017"]  # dated to the year
    assert data.estimate is not None and data.estimate.rows[0].lower == 540
    assert data.figures and "P-" in str(data.figures[0].drawing.lanes[0].bars[0].bar.post.label)
    rated = {r.element: r for g in data.findings.groups for r in g.rows}
    assert rated["art7.1.e.1"].level == 2 and rated["art7.1.e.1"].supporting == 1
    assert data.findings.rated == 1 and data.findings.suspects == ()
    otp = assemble(ana, Case.objects.get(code=CASE), "otp")
    (suspect,) = otp.findings.suspects
    assert suspect.pseudonym.startswith("P-") and suspect.groups[0].id == "art28.a"

    # an export for the public carries no testimony without consent to it either
    exported = tmp_path / "export"
    result = invoke("export", "--case", CASE, "--out", exported, "--for", "public", "--user", "ana")
    assert result.exit_code == 0, result.output
    text = everything_in(exported)
    assert NO_VERBATIM_WORDS not in text and ICC_WORDS not in text and TEAM_WORDS not in text


def test_verify_release_finds_a_changed_an_added_and_a_removed_file(report_case, tmp_path):
    out, made = make(tmp_path, "public", "site")
    assert "SHA256:" in made.output
    ok = invoke("verify-release", out)
    assert ok.exit_code == 0, ok.output
    manifest = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in manifest["files"]} >= {"index.html", "style.css"}
    fingerprint = made.output.split("SHA256:")[1].split(";")[0]
    assert fingerprint in ok.output

    for damage, word in (("change", "CHANGED"), ("add", "ADDED"), ("remove", "REMOVED")):
        copy = tmp_path / f"copy-{damage}"
        shutil.copytree(out, copy)
        if damage == "change":
            page = copy / "acts.html"
            page.write_bytes(page.read_bytes().replace(b"<td", b"<td ", 1))
        elif damage == "add":
            (copy / "extra.html").write_text("<p>added</p>", encoding="utf-8")
        else:
            (copy / "methodology.html").unlink()
        checked = invoke("verify-release", copy)
        assert checked.exit_code == 1, (damage, checked.output)
        assert word in checked.output

    # the case signs every edition with the same key of its own
    again, _ = make(tmp_path / "again", "otp", "html")
    key = manifest["public_key"]
    assert json.loads((again / "MANIFEST.json").read_text())["public_key"] == key


@pytest.fixture
def small_case():
    """A case with an analyst, an owner and a reviewer, and no records."""
    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Case, Membership

    case = Case.objects.create(code=CASE, title="Caso sintético")
    for name, role in (("ana", "role.analyst"), ("olga", "role.owner"), ("rita", "role.reviewer")):
        user = get_user_model().objects.create(username=name)
        Membership.objects.create(case=case, user=user, role=role)
    return case


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--case", "no-such", "--edition", "public"), "No case"),
        (("--case", CASE, "--edition", "nato"), "nato"),
        (("--case", CASE, "--edition", "public", "--format", "docx"), "docx"),
        (("--case", CASE, "--edition", "public", "--lang", "fr"), "fr"),
    ],
)
def test_unknown_case_edition_format_or_language_exits_2(small_case, tmp_path, args, said):
    result = invoke("report", *args, "--out", tmp_path / "out", "--user", "ana")
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_non_empty_folder_and_an_edition_the_case_does_not_make_exit_2(small_case, tmp_path):
    from django.contrib.auth import get_user_model

    from expediente_web.reports.access import access_case_editions
    from expediente_web.reports.actions import do_set_report_editions

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x.txt").write_text("x")
    result = invoke("report", "--case", CASE, "--edition", "public", "--out", busy, "--user", "ana")
    assert result.exit_code == 2 and "not an empty folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]  # no staging left behind

    olga = get_user_model().objects.get(username="olga")
    assert [e.id for e in access_case_editions(olga, small_case)] == [
        "public",
        "otp",
        "oas",
        "iachr",
        "confidential",
    ]  # the default: all five
    do_set_report_editions(olga, small_case, ["confidential", "otp"])
    assert [e.id for e in access_case_editions(olga, small_case)] == ["otp", "confidential"]
    refused = invoke(
        "report", "--case", CASE, "--edition", "public", "--out", tmp_path / "p", "--user", "ana"
    )
    assert refused.exit_code == 2 and "does not make the public edition" in refused.output
    assert not (tmp_path / "p").exists()


def test_only_the_owner_chooses_the_editions(small_case):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.access import NotPermitted
    from expediente_web.cases.validation import InvalidInput
    from expediente_web.reports.actions import do_set_report_editions

    ana = get_user_model().objects.get(username="ana")
    olga = get_user_model().objects.get(username="olga")
    with pytest.raises(NotPermitted):
        do_set_report_editions(ana, small_case, ["public"])
    with pytest.raises(InvalidInput, match="nato"):
        do_set_report_editions(olga, small_case, ["public", "nato"])
    with pytest.raises(InvalidInput):
        do_set_report_editions(olga, small_case, [])


def test_a_reviewer_or_no_user_may_not_make_a_report(small_case, tmp_path, monkeypatch):
    monkeypatch.delenv("EXPEDIENTE_USER", raising=False)
    for user in (["--user", "rita"], []):
        result = invoke(
            "report", "--case", CASE, "--edition", "public", "--out", tmp_path / "r", *user
        )
        assert result.exit_code == 3, result.output
        assert ("rita may not" if user else "--user NAME") in result.output
        assert not (tmp_path / "r").exists()


PANEL_WORDS = "la perita anota lo del calabozo"


def _panel_signed_off(case, analyst):
    """Version 1 of the matrix reviewed by three reviewers who never rated it: two agree on
    art7.1.e.1, one dissents; all sign off."""
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_set_membership
    from expediente_web.panel import actions as panel
    from expediente_web.panel.access import verified_content

    reviewers = []
    for name in ("perita_a", "perito_b", "perita_c"):
        user = get_user_model().objects.create_user(username=name)
        do_set_membership(None, case, user, "role.reviewer")
        reviewers.append(user)
    version = panel.do_freeze_version(analyst, case, reviewers=reviewers)
    elements = [e["id"] for e in verified_content(version)["elements"]]
    for n, user in enumerate(reviewers):
        for element in elements:
            rung = (
                "ladder.reasonable_basis"
                if element == "art7.1.e.1" and n < 2
                else ("ladder.some_information")
            )
            panel.do_save_finding(user, version, element, rung, f"{PANEL_WORDS} {WITNESS_NAME}")
        panel.do_submit_findings(user, version)
    for user in reviewers:
        panel.do_sign_off(user, version)
    return version


def test_a_signed_off_panel_review_is_reported_without_its_reasoning(report_case, tmp_path):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Case
    from expediente_web.reports.assembly import assemble

    ana = get_user_model().objects.get(username="ana")
    case = Case.objects.get(code=CASE)
    assert assemble(ana, case, "public").findings.panel is None  # nothing signed off yet
    version = _panel_signed_off(case, ana)
    review = assemble(ana, case, "public").findings.panel
    assert (review.version, review.digest, review.reviewers) == (1, version.digest, 3)
    detention = next(r for g in review.groups for r in g.rows if r.element == "art7.1.e.1")
    assert detention.level == 2 and detention.dissent == 1 and detention.spread == 1
    assert detention.analyst.startswith("Reasonable basis")
    out, _ = make(tmp_path, "public", "html")
    text = " ".join(everything_in(out).split())
    assert "The independent panel's review" in text and version.digest in text
    assert PANEL_WORDS not in text and "perita_a" not in text
    assert sorted(v for v in protected_values() if v in text) == []
