"""Full-text search over a case's testimonies, excerpts, comments and notes, with facets.

One interface over two backends (SQLite FTS5, PostgreSQL full-text search); both index the terms
that `expediente.search` makes, so they return the same hits. See docs/concepts/search.md.
"""
