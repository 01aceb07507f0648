"""Casework: domain and application.

Imports only the standard library and eventsourcing, with one deliberate exception:
`casework.vault` uses the `cryptography` package for AES-GCM, because hand-rolled
cryptography is never the readable choice.
"""
