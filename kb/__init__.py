"""The knowledge base: guides parsed into validated pattern entries, stored as JSON."""

__version__ = "0.1.0"
