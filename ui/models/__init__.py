"""Qt item models that hold rows handed to them by panels; they never query the database."""
