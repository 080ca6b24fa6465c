"""What many test modules share: the documented sample's participants, and other fixed inputs.

Fixtures live in ``conftest.py``; plain values and functions live here (``from helpers import PAIR``: pytest puts
this folder on ``sys.path``).
"""

from __future__ import annotations

PAIR = ["+14015550101", "+12065550100"]
"""The participants of the REST reference's CreateProxySession sample."""
