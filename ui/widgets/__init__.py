"""Small reusable widgets shared by panels."""
