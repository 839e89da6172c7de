"""Backup and restore of a whole installation as one age-encrypted archive.

No models of its own: `archive` is the format (a tar of members with a manifest of their SHA-256,
sealed with age through pyrage), `tables` the logical dump of every table that lets a SQLite
backup be restored into PostgreSQL, `make` writes a backup and `restore` brings one back.
See docs/concepts/backup.md.
"""
