"""Subcommands of `expediente` that work on a case in the database (Django is set up lazily)."""
