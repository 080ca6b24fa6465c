"""Sections 1 and 2: what one call costs through the plugin, against botocore's floor and against moto.

The floor of an operation is the same client answered at ``before-send`` by a canned response carrying the
body the real implementation sent (same members, same timestamps), so the difference is exactly the fake's
own work. moto has no Chime, so it is measured on comparable rest-json operations (IVS, API Gateway v2),
each against its own floor built the same way from moto's answers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

import boto3
from harness import CREDENTIALS, Results, Row, answered_by, capture, paired

REGION = "us-east-1"
OVERHEAD_TARGET = 0.10  # the plugin's own work: under 10% of botocore's
MOTO_TARGET = 5.0  # moto's overhead above its floor at least 5x the plugin's


def participants(i: int) -> list[str]:
    """A pair of distinct participant numbers for session ``i`` (so the three-number pool never runs dry)."""
    return [f"+1206{5550000 + i:07d}", f"+1401{5550000 + i:07d}"]


def _client(session: boto3.session.Session, service: str) -> Any:
    return session.client(service, region_name=REGION, **CREDENTIALS)


def chime_operations(session: boto3.session.Session, mock: Any, sessions_listed: int) -> dict[str, Any]:
    """Per proxy-session operation: (plugin call, floor call, untimed before, untimed after, floor's after).

    The floor bodies are captured (by a separate client, so the timed one carries no extra hook) from the
    plugin's own answers. Every create is followed and every delete preceded by an untimed delete / create,
    so the connector holds one session while it is measured (growth is section 5's subject).
    ``sessions_listed`` sessions sit on the listed connector.
    """
    client, recorder = _client(session, "chime-sdk-voice"), _client(session, "chime-sdk-voice")
    last = capture(recorder)
    vc = mock.create_voice_connector()
    listed_vc = mock.create_voice_connector(["+12065550171", "+12065550172"], name="listed")
    counter = itertools.count()
    for _ in range(sessions_listed):
        client.create_proxy_session(
            VoiceConnectorId=listed_vc,
            ParticipantPhoneNumbers=participants(next(counter)),
            Capabilities=["Voice", "SMS"],
        )
    kept = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=participants(next(counter)), Capabilities=["Voice", "SMS"]
    )["ProxySession"]["ProxySessionId"]
    doomed: list[str] = []

    def create(c: Any = client) -> Any:
        return c.create_proxy_session(
            VoiceConnectorId=vc,
            ParticipantPhoneNumbers=participants(next(counter)),
            Capabilities=["Voice", "SMS"],
            ExpiryMinutes=60,
            Name="bench",
        )

    def delete_created(response: Any) -> None:
        client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=response["ProxySession"]["ProxySessionId"])

    def get(c: Any = client) -> Any:
        return c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=kept)

    def listing(c: Any = client) -> Any:
        return c.list_proxy_sessions(VoiceConnectorId=listed_vc)

    def update(c: Any = client) -> Any:
        return c.update_proxy_session(
            VoiceConnectorId=vc, ProxySessionId=kept, Capabilities=["Voice"], ExpiryMinutes=90
        )

    def make_doomed() -> None:
        doomed.append(create()["ProxySession"]["ProxySessionId"])

    popped: list[str] = []

    def delete(c: Any = client) -> Any:
        popped[:] = [doomed.pop()]
        return c.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=popped[0])

    plugin: dict[str, tuple[Callable[..., Any], Any, Any]] = {
        "create_proxy_session": (create, None, delete_created),
        "get_proxy_session": (get, None, None),
        "list_proxy_sessions": (listing, None, None),
        "update_proxy_session": (update, None, None),
        "delete_proxy_session": (delete, make_doomed, None),
    }
    out = {}
    for name, (call, before, after) in plugin.items():
        if before:
            before()
        result = call(recorder)
        if after:
            after(result)
        floor_client = answered_by(_client(session, "chime-sdk-voice"), last())
        # The floor's call of delete is preceded by the same untimed create (then undone, untimed), so both
        # timed calls start from the same cache state.
        floor_after = (
            (lambda _: client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=popped[0]))
            if before is make_doomed
            else None
        )
        out[name] = (call, (lambda f=call, c=floor_client: f(c)), before, after, floor_after)
    return out


def floor_row(section: str, what: str, medians: dict[str, float]) -> Row:
    """A per-call row: the plugin's median against the floor's, with the target and the plugin's own work."""
    ratio = medians["plugin"] / medians["floor"]
    return Row(
        section,
        what,
        medians["plugin"],
        "us",
        medians["floor"],
        "floor",
        f"<= {1 + OVERHEAD_TARGET:.2f}x floor",
        ratio <= 1 + OVERHEAD_TARGET,
        f"own work {medians['plugin'] - medians['floor']:.0f} us",
    )


def measure_chime(results: Results, rounds: int, calls: int, sessions_listed: int) -> dict[str, float]:
    """Section 1: plugin vs floor per proxy-session operation; returns the plugin's overhead (us) per op."""
    from pytest_chime_proxy import ChimeProxyMock

    session = boto3.session.Session()
    overheads: dict[str, float] = {}
    with ChimeProxyMock(seed=1) as mock:
        operations = chime_operations(session, mock, sessions_listed)
        for name, (plugin_call, floor_call, before, after, floor_after) in operations.items():
            medians = paired(
                {
                    "plugin": (plugin_call, before, after),
                    "floor": (floor_call, before if floor_after else None, floor_after),
                },
                rounds,
                calls,
            )
            mock.calls.clear()
            what = name + (f" ({sessions_listed} sessions)" if name == "list_proxy_sessions" else "")
            results.add(floor_row("1. per call: plugin vs botocore floor", what, medians))
            overheads[name] = medians["plugin"] - medians["floor"]
    return overheads


def moto_operations(session: boto3.session.Session) -> dict[str, tuple[Callable[[], Any], Callable[[], Any]]]:
    """{operation: (call answered by moto, the same call against its floor)}; moto must be active."""
    ivs, api = _client(session, "ivs"), _client(session, "apigatewayv2")
    counter = itertools.count()
    arn = ivs.create_channel(name="kept")["channel"]["arn"]
    api_id = api.create_api(Name="kept", ProtocolType="HTTP")["ApiId"]
    calls: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "ivs create_channel": ("ivs", lambda c: c.create_channel(name=f"c{next(counter)}")),
        "ivs get_channel": ("ivs", lambda c: c.get_channel(arn=arn)),
        "apigatewayv2 create_api": (
            "apigatewayv2",
            lambda c: c.create_api(Name=f"a{next(counter)}", ProtocolType="HTTP"),
        ),
        "apigatewayv2 get_api": ("apigatewayv2", lambda c: c.get_api(ApiId=api_id)),
    }
    from moto.core.models import botocore_stubber

    out: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {}
    for name, (service, call) in calls.items():
        recorder = _client(session, service)
        last = capture(recorder)
        call(recorder)
        floor = _client(session, service)
        floor.meta.events.unregister("before-send", botocore_stubber)  # else moto answers the floor's calls too
        answered_by(floor, last())
        timed = ivs if service == "ivs" else api
        out[name] = (functools.partial(call, timed), functools.partial(call, floor))
    return out


def measure_moto(results: Results, rounds: int, calls: int, plugin_overheads: dict[str, float]) -> None:
    """Section 2: moto's cost above its own floor, and the plugin's overhead against it."""
    from moto import mock_aws

    session = boto3.session.Session()  # made after moto's import, so moto's before-send hook is in it
    comparable = {"create": plugin_overheads["create_proxy_session"], "get": plugin_overheads["get_proxy_session"]}
    with mock_aws():
        ops = moto_operations(session)
        for name, (moto_call, floor_call) in ops.items():
            moto_call(), floor_call()  # warm
            medians = paired({"moto": (moto_call, None, None), "floor": (floor_call, None, None)}, rounds, calls)
            results.add(
                Row(
                    "2. per call: moto vs its floor",
                    f"moto {name}",
                    medians["moto"],
                    "us",
                    medians["floor"],
                    "floor",
                    note=f"overhead {medians['moto'] - medians['floor']:.0f} us",
                )
            )
            kind = "create" if "create" in name else "get"
            moto_overhead = medians["moto"] - medians["floor"]
            plugin_overhead = max(comparable[kind], 0.0)
            results.add(
                Row(
                    "2. per call: moto vs its floor",
                    f"overhead above floor: moto {name} / plugin {kind}",
                    moto_overhead,
                    "us",
                    plugin_overhead or 1e-9,
                    f"plugin {kind}_proxy_session overhead",
                    f">= {MOTO_TARGET:.0f}x the plugin's",
                    moto_overhead >= MOTO_TARGET * plugin_overhead,
                )
            )
