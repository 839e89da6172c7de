"""Pages of every record of a case: lists with filters and paging, and one page per record."""
