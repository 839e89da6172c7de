"""Evidence items stored by content hash, their chain of custody, and excerpts that records cite."""
