"""botocore's response timestamps read without ``dateutil`` for the one form the fake writes.

Every Chime answer carries ISO 8601 UTC timestamps (``2020-04-15T16:10:10.288Z``, as the service writes
them); botocore reads each through ``dateutil.parser``, a general parser that costs about as much as the
fake's whole answer to a get. While a mock is active, parsers of clients made then read exactly that form
directly, into the very value ``dateutil`` gives (the same fields, and its time zone: ``tzutc``, or its
``tzlocal`` where the local zone is called UTC at that moment); anything else, or any text the direct
reading refuses, goes to botocore's own function unchanged. Clients made outside a
mock keep botocore's; a client made inside keeps the direct one after the mock, with the same results.
"""

from __future__ import annotations

import datetime
import importlib
import re
import time
from typing import Any

from pytest_chime_proxy.patching.shared_patch import SharedPatch

_ISO_UTC = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?Z")
_original: Any = None  # botocore's parse_timestamp, while the patch is applied
_tz: Any = None  # dateutil.tz, imported by _apply


def parse_timestamp(value: Any) -> Any:
    """``botocore.utils.parse_timestamp``, reading ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` directly."""
    found = _ISO_UTC.fullmatch(value) if type(value) is str else None
    if found is not None:
        year, month, day, hour, minute, second, fraction = found.groups()
        try:
            naive = datetime.datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second),
                int(fraction.ljust(6, "0")) if fraction else 0,
            )
        except ValueError:  # month 13, second 60...: botocore's own message
            return _original(value)
        if "UTC" not in time.tzname:
            return naive.replace(tzinfo=_tz.UTC)  # dateutil: a zero offset under a name not local
        local = naive.replace(tzinfo=_tz.tzlocal())  # dateutil: "Z" is read as UTC, the local zone's name
        if local.tzname() == "UTC":
            return local
    return _original(value)


def _apply() -> None:
    global _original, _tz
    import botocore.parsers

    _original, _tz = botocore.parsers.DEFAULT_TIMESTAMP_PARSER, importlib.import_module("dateutil.tz")
    botocore.parsers.DEFAULT_TIMESTAMP_PARSER = parse_timestamp


def _remove() -> None:
    import botocore.parsers

    botocore.parsers.DEFAULT_TIMESTAMP_PARSER = _original


patch = SharedPatch(_apply, _remove)
