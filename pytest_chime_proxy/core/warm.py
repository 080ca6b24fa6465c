"""Warming up: build before serving what the request pipeline otherwise builds on first use.

A server calls ``warm`` before it takes requests, so that a cold burst is answered as fast as a warm one
instead of every request thread building the same tables at once.
"""

from __future__ import annotations

import json
import re
import threading

from pytest_chime_proxy.core import operations
from pytest_chime_proxy.core.fake import FakeChime
from pytest_chime_proxy.core.pipeline import handle
from pytest_chime_proxy.core.wire import routing
from pytest_chime_proxy.core.wire.protocol import WireRequest

_LABEL = re.compile(r"\{[^}]+\}")
# A few requests that reach the domain's own tables (phone-number geography, number search, on-demand pools).
# Not a search by state or city: its table costs some 100 MB of libphonenumber's geocoding data, built once
# under a lock by the first such search (core/domain/number_search.py).
_WARM_SCENARIO = (
    ("POST", "/voice-connectors", {"Name": "warm", "RequireEncryption": False, "AwsRegion": "us-east-1"}),
    (
        "PUT",
        "/voice-connectors/{vc}/programmable-numbers/proxy",
        {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"]},
    ),
    (
        "POST",
        "/voice-connectors/{vc}/proxy-sessions",
        {
            "ParticipantPhoneNumbers": ["+12065550100", "+14155550101"],
            "Capabilities": ["Voice", "SMS"],
            "GeoMatchParams": {"Country": "US", "AreaCode": "206"},
        },
    ),
    ("GET", "/voice-connectors/{vc}/proxy-sessions", None),
    ("GET", "/search?type=phone-numbers&area-code=206&max-results=2", None),
    ("GET", "/search?type=phone-numbers&country=GB&phone-number-type=Local&max-results=2", None),
    ("POST", "/phone-number-orders", {"ProductType": "VoiceConnector", "E164PhoneNumbers": ["+12065550199"]}),
    ("GET", "/phone-numbers", None),
)


def warm() -> None:
    """Build now what the pipeline otherwise builds on first use: the operation registry, each namespace's
    model snapshot, routing tables, request plans, validators and writers, and the domain's phone-number data
    (all but the table of a search by state or city: see ``_WARM_SCENARIO``).

    A server calls this before it takes requests, so that a cold burst is answered as fast as a warm one
    instead of every request thread building the same tables at once. It answers one request per operation
    and namespace (and a short scenario) from a throwaway fake: the caches it fills are the module-level ones,
    so a process warms once (later calls return at once).
    """
    global _warm
    with _warm_lock:
        if not _warm:
            _warm_up()
            _warm = True


_warm = False
_warm_lock = threading.Lock()


def _warm_up() -> None:
    from pytest_chime_proxy.core.faults import check_types
    from pytest_chime_proxy.core.wire import serialize
    from pytest_chime_proxy.core.wire import spec as _spec

    operations.load()
    check_types({})
    fake = FakeChime()
    json_headers = {"Content-Type": "application/json"}
    for namespace in _spec.NAMESPACES:
        endpoint = routing.Endpoint(namespace, fake.region)
        for op in _spec.load(namespace).operations.values():
            url = "http://warm.invalid" + _LABEL.sub("x", op.uri)
            handle(fake, WireRequest(op.method, url, json_headers, b"{}"), endpoint)
            if op.output:
                serialize.writer(namespace, op.output)
        vc = "x"
        for method, path, payload in _WARM_SCENARIO:
            body = b"" if payload is None else json.dumps(payload).encode()
            call = handle(
                fake, WireRequest(method, "http://warm.invalid" + path.format(vc=vc), json_headers, body), endpoint
            )
            if call is not None and call.operation == "CreateVoiceConnector" and call.status == 201:
                vc = call.json()["VoiceConnector"]["VoiceConnectorId"]
