"""Expediente's Django project: the apps that own the case record, its web pages and its API."""
