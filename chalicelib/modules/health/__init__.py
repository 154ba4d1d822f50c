"""Liveness of the API (no AWS)."""
