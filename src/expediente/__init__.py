"""Expediente analysis core.

Pure Python, no Django: linkage, estimation, patterns, vocabularies, partial dates, the reading and
validation of import files and the synthetic demo case. A statistician can use it from a notebook
on a CSV without a server; the Django project `expediente_web` builds on it, never the reverse.
"""

__version__ = "0.1.0"
