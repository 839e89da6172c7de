"""Analyses run on a case's record: person linkage (with its review queue) and estimation."""
