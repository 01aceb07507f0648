"""Casework: domain and application (imports only the standard library and eventsourcing)."""
