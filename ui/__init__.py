"""ClaimDesk's PySide6 desktop window: thin Qt views over the Qt-free services in `app`."""
