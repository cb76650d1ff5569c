"""The insurance database's migration history (its revisions, oldest first)."""
