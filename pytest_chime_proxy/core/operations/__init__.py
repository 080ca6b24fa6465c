"""The operations the fake answers: one module per resource, each handler registered with ``@operation``.

A handler takes the request's ``Scope`` and its validated input members and returns the output members;
routing, validation and serialization are the wire layer's, state and rules the domain's.
"""

from pytest_chime_proxy.core.operations.registry import HANDLERS, Data, Handler, emulated, handler, load, operation

__all__ = ["HANDLERS", "Data", "Handler", "emulated", "handler", "load", "operation"]
