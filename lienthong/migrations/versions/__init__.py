"""One migration history per service, each in the folder named after it (Alembic versions)."""
