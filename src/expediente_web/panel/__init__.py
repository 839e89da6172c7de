"""The independent panel review of a case's element matrix.

An owner or analyst freezes the matrix as it stands into a numbered version (its content sealed
by `expediente.legal.freeze.content_digest`); two or more members of the case who had no hand
in it review that version blind to each other, element by element, on the evidentiary ladder;
once all have submitted, everyone reads the consolidated findings (majority, dissents, spread,
Krippendorff's alpha) and each reviewer signs them off.
"""
