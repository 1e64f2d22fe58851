"""SQLModel tables and Alembic migrations (the storage issue builds this)."""
