"""The append-only, hash-chained audit log that every write to the case record goes through."""
