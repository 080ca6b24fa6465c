"""The typing names pydantic and mypy read from our declarations, from ``typing`` where this Python has them.

pydantic reads ``typing.TypedDict`` only from Python 3.12; before that it needs ``typing_extensions``' one.
Importing ``typing_extensions`` costs a few milliseconds, paid at pytest's start and at first use.
"""

import sys

if sys.version_info >= (3, 12):
    from typing import TypedDict, Unpack
else:  # pragma: no cover - the legacy environment's Python
    from typing_extensions import TypedDict, Unpack

__all__ = ["TypedDict", "Unpack"]
