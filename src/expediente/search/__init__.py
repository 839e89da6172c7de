"""Full-text search analysis: the words of a text turned into index terms, queries into terms
to match, and snippets with the matching words marked.

Pure Python (no Django): the same analysis feeds every database backend, so SQLite and
PostgreSQL index the same terms and return the same hits for the same query.
"""

from expediente.search.analysis import Query, QueryError, index_terms, parse_query, tokens
from expediente.search.snippets import Segment, snippet

__all__ = ["Query", "QueryError", "Segment", "index_terms", "parse_query", "snippet", "tokens"]
