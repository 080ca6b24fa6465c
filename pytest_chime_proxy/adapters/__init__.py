"""Thin adapters that carry requests from a transport to the fake and back."""
