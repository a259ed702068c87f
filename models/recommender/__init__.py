"""Movie recommendations with scikit-surprise: comparison, tuning, explained top-N."""
