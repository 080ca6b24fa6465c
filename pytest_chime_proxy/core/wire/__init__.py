"""The wire layer: HTTP request in, HTTP response out, driven by the service-model snapshots in ``specs/``."""
