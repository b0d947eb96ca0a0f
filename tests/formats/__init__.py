"""Tests of the outside world's formats: paper claim forms and X12 files."""
