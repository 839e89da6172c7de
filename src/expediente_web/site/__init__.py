"""The web pages: login and the case record's pages."""
