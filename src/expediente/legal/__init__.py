"""The legal core: pure Python, no Django, so that it can be tested and reused alone.

* :mod:`~expediente.legal.ladder` -- the evidentiary ladder, *no information › some
  information › reasonable basis › reasonable grounds › substantial grounds*;
* :mod:`~expediente.legal.matrix` -- the element matrix: contextual elements and each
  selected crime's elements, the evidence cited for each, an analyst's rating with
  reasoning, and the warnings computed from the evidence;
* :mod:`~expediente.legal.sources` -- which sources are independent of each other;
* :mod:`~expediente.legal.corroboration` -- acts that several sources report, matched
  into one fact with its count of independent sources;
* :mod:`~expediente.legal.agreement` -- Krippendorff's alpha over the ladder, majority and
  dissent of a review panel;
* :mod:`~expediente.legal.disclosure` -- k-anonymity and small-cell suppression for public
  tables;
* :mod:`~expediente.legal.freeze` -- the content digest of a frozen report version, and a
  review round in which reviewers are blind to each other until all have submitted;
* :mod:`~expediente.legal.manifest` -- signed manifests of release folders and their check.

Methodology: docs/methodology/legal-assessment.md.
"""

from __future__ import annotations

from expediente.legal.ladder import Ladder

__all__ = ["Ladder"]
