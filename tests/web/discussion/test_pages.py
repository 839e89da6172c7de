"""The thread on every record page, posting and replying with and without htmx, deleting one's
own comment, the case's discussion page and the notifications: who sees what, and hostile text
kept inert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from expediente_web.discussion.actions import do_post_comment
from expediente_web.discussion.models import Notification
from support.workspace_data import HOSTILE, url_kwargs

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english_pages(settings):
    """The messages asserted here are the English ones (the Spanish catalogue is tested in
    tests/web/workspace/test_catalogue.py)."""
    settings.LANGUAGE_CODE = "en"


HTMX = {"HTTP_HX_REQUEST": "true"}
RECORD_PAGES = (
    "workspace:act",
    "workspace:person",
    "workspace:event",
    "workspace:testimony",
    "workspace:source",
    "workspace:unit",
    "workspace:location",
    "workspace:evidence-item",
)


def _thread_url(record, kind="act", ref=None):
    return reverse(
        "discussion:thread",
        kwargs={"code": record.case.code, "kind": kind, "ref": ref or str(record.act.uid)},
    )


def _act_url(record):
    return reverse("workspace:act", kwargs={"code": record.case.code, "uid": str(record.act.uid)})


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_every_record_page_has_its_thread(record, documenter, as_user, name):
    page = as_user(documenter).get(reverse(name, kwargs=url_kwargs(record)[name]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="discussion"' in html and 'name="body"' in html


def test_posting_without_javascript_goes_back_to_the_comment(record, documenter, analyst, as_user):
    client = as_user(documenter)
    answer = client.post(_thread_url(record), {"body": "Revisar con @ana_analyst\nmañana"})
    assert answer.status_code == 302
    comment = record.case.comments.get()
    assert answer["Location"] == f"{_act_url(record)}#comment-{comment.pk}"
    html = client.get(_act_url(record)).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    link = 'href="/cases/ve-2017/discussion/?member=ana_analyst">@ana_analyst</a>'
    assert f'class="mention" {link}' in html
    assert "Revisar con" in html and "<br>\nmañana" in html


def test_posting_with_htmx_answers_the_thread_in_place(record, documenter, as_user):
    answer = as_user(documenter).post(_thread_url(record), {"body": "primera nota"}, **HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith('<section class="discussion" id="discussion"')
    assert "<html" not in html and "primera nota" in html


def test_a_reply_sits_under_its_comment(record, documenter, reviewer, as_user):
    first = do_post_comment(reviewer, record.act, "¿Fuente?")
    answer = as_user(documenter).post(
        _thread_url(record), {"body": "SRC-A, fila 3", "parent": first.pk}, **HTMX
    )
    html = answer.content.decode()
    assert (
        html.index(f'id="comment-{first.pk}"')
        < html.index('<ol class="replies">')
        < html.index("SRC-A, fila 3")
    )
    assert Notification.objects.get(user=reviewer).kind == "reply"


def test_an_empty_comment_is_refused_at_the_field(record, documenter, as_user):
    client = as_user(documenter)
    plain = client.post(_thread_url(record), {"body": "  "})
    assert plain.status_code == 400
    assert 'id="comment-error"' in plain.content.decode()
    htmx = client.post(_thread_url(record), {"body": ""}, **HTMX)
    assert htmx.status_code == 200 and 'id="comment-error"' in htmx.content.decode()
    bad_parent = client.post(_thread_url(record), {"body": "x", "parent": "999999"})
    assert bad_parent.status_code == 400
    assert record.case.comments.count() == 0


def test_a_viewer_reads_without_a_form_and_a_partner_sees_no_discussion(
    record, documenter, viewer, partner, as_user
):
    do_post_comment(documenter, record.act, "nota interna del equipo")
    client = as_user(viewer)
    html = client.get(_act_url(record)).content.decode()
    assert "nota interna del equipo" in html and 'name="body"' not in html
    assert f'href="/cases/{record.case.code}/discussion/"' in html  # in the case's menu
    assert client.post(_thread_url(record), {"body": "intento"}).status_code == 403
    client = as_user(partner)
    page = client.get(_act_url(record))
    assert page.status_code == 200
    assert "nota interna del equipo" not in page.content.decode()
    assert 'id="discussion"' not in page.content.decode()
    assert f'href="/cases/{record.case.code}/discussion/"' not in page.content.decode()
    assert client.get(_thread_url(record)).status_code == 403
    assert client.get(reverse("discussion:case", args=[record.case.code])).status_code == 403


def test_outsiders_and_expired_partners_reach_no_thread(
    record, other_case_member, expired_partner, as_user
):
    assert as_user(other_case_member).get(_thread_url(record)).status_code == 404
    assert as_user(expired_partner).get(_thread_url(record)).status_code == 403


def test_a_thread_of_an_unknown_record_is_not_found(record, documenter, as_user):
    client = as_user(documenter)
    assert client.get(_thread_url(record, kind="excerpt")).status_code == 404
    assert client.get(_thread_url(record, ref="not-a-uid")).status_code == 404


def test_a_reader_without_identities_sees_pseudonyms_in_comments(
    record, documenter, viewer, as_user
):
    do_post_comment(documenter, record.act, "Hablé con Ana Ficticia Pérez ayer.")
    assert "Ana Ficticia Pérez" in as_user(documenter).get(_act_url(record)).content.decode()
    html = as_user(viewer).get(_act_url(record)).content.decode()
    assert "Hablé con" in html
    assert "Ana Ficticia Pérez" not in html.split('id="discussion"')[1]


def test_hostile_text_is_inert_everywhere(record, documenter, analyst, as_user):
    body = f'{HOSTILE} @ana_analyst"><img src=x onerror=alert(1)> @{HOSTILE}'
    do_post_comment(documenter, record.act, body)
    client = as_user(documenter)
    for address in (_act_url(record), reverse("discussion:case", args=[record.case.code])):
        html = client.get(address).content.decode()
        assert "<script>window.__pwned" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    html = as_user(analyst).get(reverse("notifications:list")).content.decode()
    assert "<script>window" not in html and "dora_documenter mentioned you" in html


def test_deleting_ones_own_comment(record, documenter, analyst, as_user):
    mine = do_post_comment(documenter, record.act, "borrador equivocado")
    reply = do_post_comment(analyst, record.act, "¿Seguro?", parent=mine)
    address = reverse("discussion:delete", args=[record.case.code, mine.pk])
    assert as_user(analyst).post(address, {"reason": "no"}).status_code == 403
    client = as_user(documenter)
    assert client.post(address, {"reason": ""}).status_code == 400
    answer = client.post(address, {"reason": "registro equivocado"}, **HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    # The deleted comment keeps its place for the reply, without its text.
    assert "borrador equivocado" not in html and "This comment was deleted" in html
    assert f'id="comment-{reply.pk}"' in html
    assert client.post(address, {"reason": "otra vez"}).status_code == 404


def test_the_case_discussion_lists_comments_and_a_members_own(record, documenter, analyst, as_user):
    do_post_comment(documenter, record.act, "sobre el acto")
    do_post_comment(analyst, record.unit, "sobre la unidad")
    client = as_user(documenter)
    address = reverse("discussion:case", args=[record.case.code])
    html = client.get(address).content.decode()
    assert "sobre el acto" in html and "sobre la unidad" in html
    assert f"/units/{record.unit.uid}/#comment-" in html
    html = client.get(address, {"member": "ana_analyst"}).content.decode()
    assert "sobre la unidad" in html and "sobre el acto" not in html


def test_the_mentioned_member_sees_follows_and_reads_the_notification(
    record, documenter, analyst, as_user
):
    comment = do_post_comment(documenter, record.act, "@ana_analyst mira esto")
    client = as_user(analyst)
    home = client.get(reverse("notifications:list")).content.decode()
    assert '<span class="count">1<' in home
    assert "dora_documenter mentioned you in a comment on an act" in home
    note = Notification.objects.get(user=analyst)
    answer = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert answer["Location"] == f"{_act_url(record)}#comment-{comment.pk}"
    note.refresh_from_db()
    assert note.read_at is not None
    assert '<span class="count">' not in client.get(_act_url(record)).content.decode()


def test_mark_all_read_and_others_notifications(record, documenter, analyst, reviewer, as_user):
    do_post_comment(documenter, record.act, "@ana_analyst @rita_reviewer uno")
    do_post_comment(documenter, record.event, "@ana_analyst dos")
    theirs = Notification.objects.get(user=reviewer)
    client = as_user(analyst)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(user=analyst, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_end_with_access(record, documenter, analyst, as_user):
    from django.utils import timezone

    from expediente_web.cases.models import Membership

    do_post_comment(documenter, record.act, "@ana_analyst antes de que venza")
    Membership.objects.filter(user=analyst).update(expires_at=timezone.now())
    html = as_user(analyst).get(reverse("notifications:list")).content.decode()
    assert "mentioned you" not in html and '<span class="count">' not in html


def test_the_thread_alone_with_htmx_and_as_a_page_without(record, documenter, as_user):
    do_post_comment(documenter, record.act, "una nota")
    client = as_user(documenter)
    fragment = client.get(_thread_url(record), **HTMX).content.decode()
    assert fragment.lstrip().startswith("<section") and "una nota" in fragment
    page = client.get(_thread_url(record)).content.decode()
    assert "<html" in page and "una nota" in page and _act_url(record) in page


def test_a_mention_of_a_non_member_stays_plain_text(record, documenter, make_user, as_user):
    make_user("oscar_outsider")
    do_post_comment(documenter, record.act, "pregunta a @oscar_outsider")
    html = as_user(documenter).get(_act_url(record)).content.decode()
    assert "pregunta a @oscar_outsider" in html
    assert "member=oscar_outsider" not in html
