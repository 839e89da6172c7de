"""Storage of the search index: one document per searchable record, its facets, saved searches.

`SearchDocument.terms` holds the stems of the record's text (never the text as written); the
backend's full-text structure (an FTS5 table on SQLite, a tsvector column on PostgreSQL) is made
by this app's migration and kept in step with the table by database triggers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from expediente_web.cases.models import Case

#: The records that are searched, by the `object_type` their documents carry.
OBJECT_TYPES = ("testimony", "excerpt", "comment", "act", "event")


class SearchDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=16, choices=[(t, t) for t in OBJECT_TYPES])
    object_id = models.BigIntegerField()
    terms = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["object_type", "object_id"], name="one_document"),
        )
        indexes = (models.Index(fields=["case", "object_type"], name="search_doc_case_type"),)


class SearchFacet(models.Model):
    """One facet value of a document: an act type, a method, a year, a place, a unit, a
    source, an outcome that the record or the acts it supports carry."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=128)

    class Meta:
        indexes = (models.Index(fields=["facet", "value", "document"], name="search_facet_fv"),)


class SavedSearch(models.Model):
    """A query and its filters kept by a member under a name, to run again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="saved_searches")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    query = models.CharField(max_length=500)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]  # noqa: RUF012 (Django reads a list)
        constraints = (
            models.UniqueConstraint(fields=["case", "owner", "name"], name="saved_search_name"),
        )


class NameToken(models.Model):
    """A keyed token of a part of a person's name (see `names.py`): the blind index that finds
    people by name. It holds an HMAC, never a name."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=24)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        indexes = (models.Index(fields=["case", "token"], name="name_token_case_token"),)
