"""The documentation record: persons, units, positions, locations, events, acts, involvements,
testimonies and comments."""
