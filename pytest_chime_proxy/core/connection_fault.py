"""A broken connection a fault rule asked for (``core.faults``): raised by the pipeline, turned by each adapter
into its transport's own error. Apart from the rules, so that a request without rules loads none of them."""

from __future__ import annotations

from collections.abc import Mapping

# connection_error value -> the botocore exception class the adapter raises (botocore.exceptions.<name>)
CONNECTION_ERRORS: Mapping[str, str] = {
    "read_timeout": "ReadTimeoutError",
    "connect_timeout": "ConnectTimeoutError",
    "connection_closed": "ConnectionClosedError",
    "endpoint_unreachable": "EndpointConnectionError",
}


class ConnectionFault(Exception):
    """A rule asked for a broken connection; the adapter turns it into botocore's exception of ``kind``."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"injected {kind} ({CONNECTION_ERRORS[kind]})")
        self.kind = kind

    @property
    def botocore_name(self) -> str:
        """The class name in ``botocore.exceptions``."""
        return CONNECTION_ERRORS[self.kind]
