"""Casework: the domain and application layer (imports only the standard library and eventsourcing)."""
