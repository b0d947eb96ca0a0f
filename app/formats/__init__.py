"""The outside world's formats: paper claim forms, X12 files and their layouts."""
