"""Storage of background jobs: one row per piece of long work a person asked for."""

from __future__ import annotations

import uuid

from django.db import models

from expediente_web.cases.models import Case

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED)
FINISHED = frozenset({SUCCEEDED, FAILED})


class Job(models.Model):
    """Long work in a case: what was asked (`kind`, `params`), by whom, and how it went.

    Progress while it runs is kept beside the data directory (see `progress.py`), not in this
    row: an import holds the database's write lock for its whole transaction, and on SQLite no
    other connection could write a progress update until it ends.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    actor = models.CharField(max_length=150)
    status = models.CharField(max_length=16, choices=[(s, s) for s in STATUSES], default=QUEUED)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict)
    worker_pid = models.IntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012 (Django reads a list)
        indexes = (models.Index(fields=["case", "status"], name="job_case_status"),)

    def __str__(self) -> str:
        return f"{self.kind} in {self.case_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
