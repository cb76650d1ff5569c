"""The gateway database's migration history (its revisions, oldest first)."""
