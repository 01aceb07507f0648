"""The journey aggregate and its vocabulary."""

from casework.journey.aggregate import Journey

__all__ = ["Journey"]
