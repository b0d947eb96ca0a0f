"""One class per workflow; each public method is one user action and one transaction."""
