"""The population database's migration history (its revisions, oldest first)."""
