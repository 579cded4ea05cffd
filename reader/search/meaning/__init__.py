"""Search by meaning: a small static embedding model; post and paragraph vectors
kept in the cache."""
