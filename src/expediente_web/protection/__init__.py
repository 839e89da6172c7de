"""Protection of identifying data at rest: the key ring, encrypted fields and blind indexes."""
