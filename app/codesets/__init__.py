"""Official code sets: loaders for each source format, the search index, and the build step."""
