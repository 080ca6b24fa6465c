"""The domain layer: per-account state, the proxy-session lifecycle and proxy-number selection. No HTTP."""
