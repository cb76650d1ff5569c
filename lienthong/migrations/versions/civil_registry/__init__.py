"""The civil_registry database's migration history (its revisions, oldest first)."""
