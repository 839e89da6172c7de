"""The case's context and its preliminary examination: the attack (the contextual element's
course of conduct) and the acts linked to it, the interventions that put authorities on notice,
the national proceedings that complementarity reads, the jurisdiction basis, and the analysts'
written assessment of each section of the preliminary-examination view.
"""
