"""The element matrix of a case: crimes selected for assessment, evidence cited for each element,
an analyst's rating with reasoning, and the suspects' modes of liability.

The element logic (rows, warnings, group status, corroboration) is the legal core's
(`expediente.legal`); this app stores what the analysts decide and shows it.
"""
