"""Read models: SQL tables built from the casework events, and the queries that read them."""
