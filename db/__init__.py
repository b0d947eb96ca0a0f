"""SQLAlchemy records, the session factory and Alembic migrations for the practice database."""
