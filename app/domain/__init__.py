"""The vocabulary of the trade as typed models and pure functions: no Qt, no SQLAlchemy."""
