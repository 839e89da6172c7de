"""The fixes of the 2026 legal review, checked term by term (docs/reference/vocabularies.md
lists each with its source)."""

from __future__ import annotations

import pytest

from expediente.vocabularies import load_vocabularies

# (term id, language, field, text that must appear) -- the wording each fix put in place.
WORDING = [
    ("art7.1.i.1.a", "en", "label", "Arrested, detained or abducted one or more persons"),
    ("art7.1.i.1.a", "es", "label", "Aprehendió, detuvo o secuestró a una o más personas"),
    ("art7.1.i.1.a", "en", "description", "maintained an existing detention"),
    ("art7.1.h.2", "en", "label", "by reason of the identity of a group or collectivity"),
    ("art7.1.h.2", "en", "label", "targeted the group or collectivity as such"),
    (
        "art7.1.h.2",
        "es",
        "label",
        "dirigió su conducta contra esas personas en razón de la identidad",
    ),
    ("art7.1.h.2", "en", "description", "perceived members"),
    (
        "art7.1.h.3",
        "es",
        "label",
        "La conducta se dirigió contra esas personas por motivos políticos",
    ),
    ("art7.1.h.3", "es", "label", "con arreglo al derecho internacional"),
    ("art7.1.h.3", "en", "label", "gender (art. 7(3))"),
    ("art7.1.g-4.1", "es", "label", "a las que se había dejado embarazadas por la fuerza"),
    ("art7.2.f", "es", "description", "a la que se ha dejado embarazada por la fuerza"),
    ("art7.2.f", "es", "description", "normas de derecho interno relativas al embarazo"),
    ("art7.2.f", "en", "description", "national laws relating to pregnancy"),
    ("art7.1.g-1.1", "en", "label", "of the victim or of the perpetrator"),
    ("art7.1.g-1.1", "es", "label", "orificio anal o vaginal"),
    ("art7.1.g-1.1", "en", "description", "anal or genital opening"),
    ("art7.1.g-1.2", "en", "label", "against such person or another person"),
    ("art7.1.g-1.2", "es", "label", "contra esa u otra persona"),
    ("art7.1.g-1.2", "en", "description", "natural, induced or age-related incapacity"),
    ("art7.1.g-3.1", "en", "label", "against such person or persons or another person"),
    ("art7.1.g-6.1", "en", "label", "against such person or persons or another person"),
    ("art7.1.g-6.1", "es", "label", "contra esa o esas personas u otra persona"),
    ("art7.3", "en", "description", "does not indicate any meaning different from the above"),
    ("art7.3", "es", "description", "no tendrá más acepción que la que antecede"),
    ("art7.3", "en", "description", "Policy Paper on Sexual and Gender-Based Crimes (June 2014)"),
    ("art7.3", "en", "description", "Gender Persecution (7 December 2022)"),
    ("art7.1.i", "es", "description", "posteriores a la entrada en vigor del Estatuto"),
    ("art7.1.i", "es", "description", "mantener una detención ya existente"),
    ("art7.1.d.1", "es", "description", 'equivale a "desplazado por la fuerza"'),
    ("art7.1.j", "en", "label", "The crime of apartheid"),
    ("art7.1.j", "es", "label", "El crimen de apartheid"),
    ("art25.3.b.order.5", "en", "label", "would occur in the ordinary course of events"),
    ("art25.3.b.order.5", "es", "label", "en el curso normal de los acontecimientos"),
    (
        "art25.3.b.solicit_induce.4",
        "en",
        "label",
        "occur in the ordinary course of events (art. 30(2)(b))",
    ),
    ("art25.3.b.solicit_induce.4", "es", "label", "en el curso normal de los acontecimientos"),
    ("art25.3.a.co.1", "en", "description", "Contested"),
    ("art25.3.a.co.4", "en", "label", "mutually aware and mutually accepted"),
    ("art25.3.f", "en", "description", "completely and voluntarily gave up the criminal purpose"),
    (
        "art25.3.f",
        "es",
        "description",
        "renunciare íntegra y voluntariamente al propósito delictivo",
    ),
    (
        "art25.3.d.i",
        "en",
        "label",
        "involves the commission of a crime within the jurisdiction of the Court",
    ),
    (
        "art25.3.d.i",
        "es",
        "label",
        "entrañe la comisión de un crimen de la competencia de la Corte",
    ),
    ("art25.3.c", "es", "description", "encubrimiento"),
    ("art25.3.c", "en", "description", "concealment after the fact"),
    ("rule.art33.2", "en", "label", "manifestly unlawful"),
    ("act.killing.protest", "es", "label", "control del orden público"),
]

# Text that must be gone.
GONE = [
    ("art7.1.h.3", "es", "label", "El ataque"),
    ("art7.1.h.2", "es", "label", "atacó"),
    ("art7.1.g-4.1", "es", "label", "mujeres embarazadas por la fuerza"),
    ("art7.2.f", "es", "description", "mujer embarazada por la fuerza"),
    ("art25.3.b.order.5", "en", "label", "very likely"),
    ("art25.3.b.solicit_induce.4", "en", "label", "very likely"),
    ("art25.3.a.co.1", "en", "label", "sufficient risk"),
    ("art7.3", "en", "description", "from memory"),
    ("art7.3", "es", "description", "de memoria"),
    ("art7.1.i", "en", "description", "Venezuela"),
]


def _text(term_id: str, lang: str, field: str) -> str:
    term = load_vocabularies().term(term_id)
    return term.label(lang) if field == "label" else term.description.get(lang, "")


@pytest.mark.parametrize(("term_id", "lang", "field", "text"), WORDING)
def test_fixed_wording(term_id: str, lang: str, field: str, text: str) -> None:
    assert text in _text(term_id, lang, field)


@pytest.mark.parametrize(("term_id", "lang", "field", "text"), GONE)
def test_wrong_wording_is_gone(term_id: str, lang: str, field: str, text: str) -> None:
    assert text not in _text(term_id, lang, field)


# Raw words a source writes, and what they must (or must no longer) resolve to.
ALIASES = [
    ("act_types", "detención", "act.detention.arrest"),
    ("act_types", "Detención", "act.detention.arrest"),
    ("act_types", "arrest", "act.detention.arrest"),
    ("act_types", "detention", "act.detention.arrest"),
    ("act_types", "Detención arbitraria", "act.detention.arbitrary"),
    ("act_types", "desaparecido", "act.disappearance.whereabouts_unknown"),
    ("act_types", "desaparecida", "act.disappearance.whereabouts_unknown"),
    ("act_types", "disappearance", "act.disappearance.whereabouts_unknown"),
    ("act_types", "Desaparición forzada", "act.disappearance.enforced"),
    ("act_types", "persecución", "act.persecution.unspecified"),
    ("act_types", "persecution", "act.persecution.unspecified"),
    ("act_types", "Persecución política", "act.persecution.political"),
    ("act_types", "secuestro", "act.detention.abduction"),
    ("act_types", "arresto domiciliario", "act.detention.house_arrest"),
    ("act_types", "lesiones", "act.injury"),
    ("act_types", "intento de homicidio", "act.killing.attempted"),
    ("act_types", "despido", "act.civic.dismissal"),
    ("act_types", "pasaporte anulado", "act.passport_cancelled"),
    ("act_types", "tribunal militar", "act.detention.military_trial"),
    ("act_types", "destrucción de bienes", "act.property.destruction"),
    ("affiliation", "protestante", None),
    ("affiliation", "militar", "affiliation.military"),
    ("affiliation", "desconocida", "affiliation.unknown"),
    ("affiliation", "unknown", "affiliation.unknown"),
    ("affiliation", "ninguna", "affiliation.none_known"),
    ("affiliation", "oficial disidente", "affiliation.military_dissident"),
    ("methods", "ahogamiento", "method.water"),
    ("methods", "submarino seco", "method.asphyxiation"),
    ("methods", "tortura blanca", "method.white_torture"),
    ("methods", "gas pimienta", "method.chemical"),
    ("sex", "no binario", None),
    ("sex", "non-binary", None),
    ("outcomes", "Puesta en libertad", "outcome.released"),
    ("outcomes", "medidas cautelares", "outcome.conditional_release"),
    ("involvement", "indujo", "involvement.solicited_induced"),
    ("involvement", "negó la detención", "involvement.refused_information"),
    ("involvement", "aquiescencia", "involvement.acquiesced"),
    ("involvement", "convalidó la detención", "involvement.validated_judicially"),
    ("involvement", "encubrió", "involvement.covered_up"),
    ("involvement", "suministró armas", "involvement.provided_means"),
]


@pytest.mark.parametrize(("vocabulary", "raw", "expected"), ALIASES)
def test_aliases_name_facts_not_conclusions(
    vocabulary: str, raw: str, expected: str | None
) -> None:
    assert load_vocabularies().resolve(vocabulary, raw) == expected


def test_no_alias_of_a_qualified_term_is_a_bare_word() -> None:
    vocab = load_vocabularies()
    bare = {"detención", "detention", "arrest", "desaparecido", "desaparecida", "desaparición",
            "disappearance", "persecución", "persecution"}  # fmt: skip
    for term_id in ("act.detention.arbitrary", "act.disappearance.enforced",
                    "act.persecution.political"):  # fmt: skip
        aliases = {a for lang in ("en", "es") for a in vocab.term(term_id).aliases.get(lang, ())}
        assert not aliases & bare, term_id


# Every crime of art. 7(1) is now reachable from at least one act type.
def test_every_crime_is_suggested_by_some_act_type() -> None:
    vocab = load_vocabularies()
    crimes = {t.id for t in vocab.terms("cah_elements") if t.attributes.get("type") == "crime"}
    reached = {r for t in vocab.terms("act_types") for r in t.refs}
    assert crimes - reached == set()


@pytest.mark.parametrize(
    ("act", "crime"),
    [
        ("act.killing.conditions_of_life", "art7.1.b"),
        ("act.killing.mass", "art7.1.b"),
        ("act.enslavement", "art7.1.c"),
        ("act.civic.segregation", "art7.1.j"),
        ("act.sexual.slavery", "art7.1.g-2"),
        ("act.sexual.forced_prostitution", "art7.1.g-3"),
        ("act.sexual.forced_pregnancy", "art7.1.g-4"),
        ("act.sexual.forced_sterilization", "art7.1.g-5"),
        ("act.killing.attempted", "art7.1.a"),
        ("act.injury", "art7.1.k"),
        ("act.detention.abduction", "art7.1.i"),
        ("act.detention.house_arrest", "art7.1.e"),
        ("act.property.destruction", "art7.1.h"),
        ("act.civic.dismissal", "art7.1.h"),
        ("act.passport_cancelled", "art7.1.h"),
        ("act.detention.military_trial", "art7.1.e"),
    ],
)
def test_new_act_types_point_to_their_crimes(act: str, crime: str) -> None:
    assert crime in load_vocabularies().term(act).refs


def test_persecution_on_every_ground_of_article_7_1_h() -> None:
    vocab = load_vocabularies()
    grounds = {t.id.rsplit(".", 1)[1] for t in vocab.children("act.persecution")}
    assert {"political", "racial", "national", "ethnic", "cultural", "religious", "gender",
            "other", "unspecified"} <= grounds  # fmt: skip
    for term in vocab.children("act.persecution"):
        assert term.refs == ("art7.1.h",), term.id


@pytest.mark.parametrize(
    ("involvement", "mode"),
    [
        ("involvement.solicited_induced", "art25.3.b.solicit_induce"),
        ("involvement.acquiesced", "art25.3.c"),
        ("involvement.refused_information", "art25.3.a.direct"),
        ("involvement.validated_judicially", "art25.3.c"),
        ("involvement.provided_means", "art25.3.c"),
        ("involvement.covered_up", "art28.a"),
        ("involvement.failed_to_investigate", "art28.b"),
    ],
)
def test_new_degrees_of_involvement(involvement: str, mode: str) -> None:
    assert mode in load_vocabularies().term(involvement).refs


def test_presence_is_not_assistance_note() -> None:
    description = load_vocabularies().term("involvement.present").description
    assert "Presence alone is not assistance" in description["en"]
    assert "sola presencia no es asistencia" in description["es"]


def test_crime_names_resolve_now_that_definitions_have_their_own_labels() -> None:
    vocab = load_vocabularies()
    for label, crime in [("Tortura", "art7.1.f"), ("Persecución", "art7.1.h"),
                         ("Exterminio", "art7.1.b"), ("Esclavitud", "art7.1.c"),
                         ("Embarazo forzado", "art7.1.g-4"),
                         ("Desaparición forzada de personas", "art7.1.i"),
                         ("Torture", "art7.1.f")]:  # fmt: skip
        assert vocab.resolve("cah_elements", label) == crime, label
    assert vocab.label("art7.2.e", "es") == "Tortura (definición, art. 7(2)(e))"


def test_special_intent_of_forced_pregnancy_is_a_separate_item() -> None:
    term = load_vocabularies().term("art7.1.g-4.1.intent")
    assert term.parent == "art7.1.g-4.1"
    assert term.attributes["type"] == "special_intent"


def test_evidence_hints_are_bilingual_everywhere() -> None:
    with_hints = [t for t in load_vocabularies() if t.evidence_hints]
    assert len(with_hints) >= 23
    for term in with_hints:
        assert len(term.hints("en")) == len(term.hints("es")) > 0, term.id
    hints = load_vocabularies().term("art7.1.i.1").hints("es")
    assert any("captura negada / lugar no revelado" in h for h in hints)


def test_descriptions_are_bilingual_everywhere() -> None:
    for term in load_vocabularies():
        if term.description:
            assert term.description.get("en") and term.description.get("es"), term.id


def test_groups_that_are_not_groups_are_marked() -> None:
    vocab = load_vocabularies()
    marked = {
        t.id for t in vocab.terms("affiliation") if t.attributes.get("targeting_group") is False
    }
    assert marked == {"affiliation.none_known", "affiliation.unknown"}
