"""ClaimDesk core: Qt-free domain models and services for coding and billing."""

__version__ = "0.1.0"
