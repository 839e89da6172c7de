"""Background jobs: long work (imports, linkage, estimation, report builds) run off the request.

A `Job` is what a person asked for, in the case it belongs to, with its status and progress; the
queue underneath is django-tasks with its database backend (`django_tasks_db`), so the embedded
default needs no server beside the database. See docs/concepts/jobs.md.
"""
