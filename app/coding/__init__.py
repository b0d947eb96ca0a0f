"""Offline computer-assisted coding: reads a clinical note and proposes ICD-10-CM and procedure codes."""
