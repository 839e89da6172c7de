"""The consent rule (`expediente.consent`): which recipient each scope opens, and what of a
testimony a recipient then receives."""

from __future__ import annotations

import pytest

from expediente import consent
from expediente.vocabularies import load_vocabularies

EVERY_SCOPE = {t.id for t in load_vocabularies().terms("consent_scopes")}

SHARING = {
    "partner_ngos": "consent.share_partner_ngos",
    "icc": "consent.share_icc",
    "un": "consent.share_un",
    "oas_iachr": "consent.share_oas",
    "national": "consent.share_national",
    "lawyers": "consent.share_lawyers",
}


def test_every_scope_the_rule_names_is_a_term_of_the_vocabulary():
    named = {s for r in consent.RECIPIENTS.values() for s in r.needs}
    named |= {consent.VERBATIM, consent.PUBLISH_ANONYMISED, consent.SHARE_PARTNERS}
    assert named <= EVERY_SCOPE, named - EVERY_SCOPE


def test_the_recipients_are_the_documented_ones():
    assert list(consent.RECIPIENTS) == [
        "team",
        "partner_ngos",
        "icc",
        "un",
        "oas_iachr",
        "national",
        "lawyers",
        "public",
    ]


def test_the_team_needs_no_further_scope():
    assert consent.allowed([], "team")
    assert consent.allowed(None, "team")
    assert consent.release([], "team") == consent.Release(True, True, True)
    assert not consent.release([], "team").withheld


@pytest.mark.parametrize(("to", "scope"), sorted(SHARING.items()))
def test_an_outside_organisation_needs_the_scope_that_names_it(to, scope):
    assert consent.allowed([scope], to)
    assert consent.release([scope], to) == consent.Release(True, True, True)
    assert consent.missing([], to) == {scope}
    everything_else = EVERY_SCOPE - {scope}
    assert not consent.allowed(everything_else, to)
    assert consent.release(everything_else, to) == consent.Release(False, False, False)


def test_sharing_with_one_organisation_does_not_open_another():
    assert not consent.allowed(["consent.share_icc"], "un")
    assert not consent.allowed(["consent.share_un"], "icc")
    assert not consent.allowed(["consent.share_partner_ngos"], "lawyers")


def test_the_public_needs_publication_and_its_words_need_verbatim_quotation():
    assert not consent.allowed(["consent.share_icc", "consent.verbatim_quotation"], "public")
    no_words = consent.release(["consent.publish_anonymised"], "public")
    assert no_words == consent.Release(testimony=True, words=False, notes=False)
    assert no_words.withheld
    words = consent.release(["consent.publish_anonymised", "consent.verbatim_quotation"], "public")
    assert words == consent.Release(testimony=True, words=True, notes=False)


def test_verbatim_quotation_alone_shares_nothing():
    for to in (*SHARING, "public"):
        assert not consent.allowed(["consent.verbatim_quotation"], to)


def test_a_scope_given_as_one_string_is_one_scope():
    assert consent.allowed("consent.share_icc", "icc")
    assert not consent.allowed("consent.share_icc", "un")


def test_an_unknown_recipient_is_refused_naming_the_known_ones():
    with pytest.raises(consent.UnknownRecipient) as refused:
        consent.allowed([], "press")
    assert "'press'" in str(refused.value)
    assert "icc" in str(refused.value)
    assert consent.recipient(consent.RECIPIENTS["icc"]) is consent.RECIPIENTS["icc"]
