"""Infrastructure shared by data/ and models/: settings, errors, the artifact cache and protocol, workers."""
