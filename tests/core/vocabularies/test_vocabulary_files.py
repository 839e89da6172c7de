"""The vocabulary files shipped with Expediente: complete, bilingual, consistent."""

from __future__ import annotations

import re

import pytest

from expediente.vocabularies import load_vocabularies

# The ids the case-table format names (docs/reference/tables.md); other parts of the
# project build against them.
REQUIRED_IDS = {
    "act_types": """act.killing.extrajudicial act.killing.in_custody act.killing.protest
        act.detention.arbitrary act.detention.incommunicado act.disappearance.enforced
        act.disappearance.short_term act.torture act.ill_treatment act.sexual.rape
        act.sexual.violence act.sexual.forced_nudity act.threat act.surveillance act.raid
        act.forced_displacement act.deportation act.denial_medical_care
        act.persecution.political""",
    "methods": """method.beating method.electric_shock method.asphyxiation
        method.stress_position method.suspension method.isolation method.sensory_deprivation
        method.sleep_deprivation method.starvation method.water method.cold_exposure
        method.threats method.mock_execution method.sexual_violence method.forced_nudity
        method.burning method.pharmacological method.witnessing_torture
        method.denial_medical_care method.underground_cell""",
    "outcomes": """outcome.released outcome.still_detained outcome.killed outcome.disappeared
        outcome.exiled outcome.injured outcome.found_alive outcome.unknown""",
    "involvement": """involvement.direct involvement.ordered involvement.planned
        involvement.present involvement.accomplice involvement.failed_to_prevent
        involvement.failed_to_punish involvement.suspected""",
    "liability_modes": """art25.3.a.direct art25.3.a.co art25.3.a.indirect
        art25.3.a.indirect_co art25.3.b.order art25.3.b.solicit_induce art25.3.c art25.3.d.i
        art25.3.d.ii art25.3.e art25.3.f art28.a art28.b art28.a.1 art28.a.2 art28.a.3
        art28.a.4 art28.a.5 art28.a.6 art28.b.1 art28.b.2 art28.b.3 art28.b.4 art28.b.5
        art28.b.6 art28.b.7""",
    "cah_elements": """art7.1.a art7.1.b art7.1.c art7.1.d art7.1.e art7.1.f art7.1.g-1
        art7.1.g-2 art7.1.g-3 art7.1.g-4 art7.1.g-5 art7.1.g-6 art7.1.h art7.1.i art7.1.j
        art7.1.k art7.1.f.1 art7.1.f.2 art7.1.f.3 art7.1.f.4 art7.1.f.5 art7.contextual.1
        art7.contextual.1.a art7.contextual.1.b art7.contextual.1.c art7.contextual.1.d
        art7.contextual.1.e art7.contextual.2""",
    "source_kinds": """source.ngo_list source.hearing source.interview source.press
        source.official_record source.document source.public_submission""",
    "reliability": "reliability.high reliability.medium reliability.low reliability.unknown",
    "consent_scopes": """consent.interview consent.audio consent.video consent.photos
        consent.medical consent.share_icc consent.share_un consent.share_oas
        consent.share_national consent.share_lawyers consent.publish_anonymised
        consent.future_contact""",
    "sex": "sex.female sex.male sex.other sex.unknown",
    "location_kinds": """location.country location.state location.municipality location.site
        location.detention_site""",
    "unit_types": """unit.intelligence unit.military unit.police unit.judicial unit.executive
        unit.armed_group""",
    "date_precision": "precision.day precision.month precision.year",
    "custody_actions": """custody.collected custody.received custody.copied custody.verified
        custody.transferred custody.exported""",
    "roles": "role.owner role.analyst role.documenter role.reviewer role.viewer role.partner",
    "measures": "measure.weight_lost_kg measure.days_incommunicado measure.cell_depth_m",
    "affiliation": """affiliation.opposition_party affiliation.student affiliation.journalist
        affiliation.military_dissident affiliation.protester
        affiliation.human_rights_defender affiliation.none_known""",
}


@pytest.mark.parametrize("vocabulary", sorted(REQUIRED_IDS))
def test_required_ids_present(vocabulary: str) -> None:
    vocab = load_vocabularies()
    for term_id in REQUIRED_IDS[vocabulary].split():
        assert term_id in vocab, term_id
        assert vocab.term(term_id).vocabulary == vocabulary, term_id


def test_evidence_kinds_vocabulary_exists() -> None:
    assert load_vocabularies().terms("evidence_kinds")


def test_every_term_has_both_labels_and_a_version() -> None:
    vocab = load_vocabularies()
    for vid, vocabulary in vocab.vocabularies.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", vocabulary.version), vid
        assert vocabulary.label.get("en") and vocabulary.label.get("es"), vid
    for term in vocab:
        assert term.en.strip() and term.es.strip(), term.id


def test_no_label_was_cut_by_yaml_flow_syntax() -> None:
    # An unquoted comma inside a {flow: mapping} silently splits a label into a new key.
    for term in load_vocabularies():
        for label in (term.en, term.es):
            assert label.count("(") == label.count(")"), term.id
        assert all(" " not in str(key) for key in term.attributes), term.id
        assert all(value is not None for value in term.attributes.values()), term.id


def test_spanish_labels_are_spanish_with_accents() -> None:
    vocab = load_vocabularies()
    assert vocab.label("act.detention.arbitrary", "es") == "Detención arbitraria"
    assert vocab.label("method.electric_shock", "es") == "Descargas eléctricas"
    assert vocab.label("art7.1.i", "es") == "Desaparición forzada de personas"
    assert vocab.label("location.country", "es") == "País"
    # Labels that differ between the languages in most terms: a missed translation shows.
    same = [t.id for t in vocab if t.en == t.es and t.vocabulary != "cah_elements"]
    assert len(same) < 5, same


def test_act_types_point_to_candidate_crimes() -> None:
    vocab = load_vocabularies()
    assert "art7.1.f" in vocab.term("act.torture").refs
    assert "art7.1.i" in vocab.term("act.disappearance.enforced").refs
    assert "art7.1.g-1" in vocab.term("act.sexual.rape").refs
    for term in vocab.terms("act_types"):
        if term.parent is not None:  # every leaf act has at least one candidate crime
            assert term.refs, term.id
            assert all(vocab.term(r).vocabulary == "cah_elements" for r in term.refs)


def test_involvement_points_to_liability_modes() -> None:
    vocab = load_vocabularies()
    assert vocab.term("involvement.ordered").refs == ("art25.3.b.order",)
    assert set(vocab.term("involvement.failed_to_prevent").refs) == {"art28.a", "art28.b"}
    for term in vocab.terms("involvement"):
        assert all(vocab.term(r).vocabulary == "liability_modes" for r in term.refs)


def test_crime_elements_end_with_the_contextual_elements() -> None:
    vocab = load_vocabularies()
    crimes = [t for t in vocab.terms("cah_elements") if t.attributes.get("type") == "crime"]
    assert len(crimes) == 16
    for crime in crimes:
        elements = [t for t in vocab.children(crime.id) if isinstance(t.attributes.get("n"), int)]
        elements.sort(key=lambda t: t.attributes["n"])
        assert elements[-2].refs == ("art7.contextual.1",), crime.id
        assert elements[-1].refs == ("art7.contextual.2",), crime.id


def test_paraphrase_caveat_is_kept() -> None:
    vocab = load_vocabularies()
    for vid in ("cah_elements", "liability_modes"):
        notes = vocab.vocabulary(vid).notes
        assert "paraphrase" in notes["en"].lower()
        assert "paráfrasis" in notes["es"].lower()


def test_measures_carry_units() -> None:
    vocab = load_vocabularies()
    assert vocab.term("measure.weight_lost_kg").unit == "kg"
    assert vocab.term("measure.days_incommunicado").unit == "day"
    assert vocab.term("measure.cell_depth_m").unit == "m"


def test_default_set_is_cached_and_versioned() -> None:
    first = load_vocabularies()
    assert load_vocabularies() is first
    assert first.versions["act_types"] == first.vocabulary("act_types").version
    assert len(first.digest) == 64
