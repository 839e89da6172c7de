"""The database's planner statistics, brought up to date after a large write.

The pages read acts, persons and links through indexes chosen by the database's planner; after an
import or a linkage run has written thousands of rows, a planner without statistics chooses
badly (SQLite read every act of a case to find a few of one person's). `ANALYZE` after such a
write keeps the plans right; on SQLite it samples at most `SQLITE_ANALYSIS_LIMIT` rows per index,
so it costs well under a second on the large demo case.
"""

from __future__ import annotations

from django.db import connection

SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
