"""The main window's panels, one per workflow; each takes the services container."""
