"""Testing the masking app with pytest-chime-proxy: no AWS account, no network, time under control.

The fixtures (``chime_proxy``, ``chime_sdk_voice``, ``voice_connector``) come from the plugin's pytest11 entry
point; nothing needs importing for them.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from masking_app import MaskingService, NoProxyNumberAvailable, provision

from pytest_chime_proxy import current_mock, mock_chime_proxy

RIDER, DRIVER, OTHER_DRIVER = "+14015550101", "+12065550100", "+13125550102"
POOL = ["+19135550101", "+19135550102"]


@pytest.fixture
def app(chime_proxy: Any, chime_sdk_voice: Any) -> MaskingService:
    # the order is Processing for a while, as in AWS: provision's polling waits on the fake's clock
    return MaskingService(
        chime_sdk_voice, provision(chime_sdk_voice, POOL, sleep=lambda s: chime_proxy.clock.advance(seconds=s))
    )


def test_rider_and_driver_share_one_masked_number(app: MaskingService, chime_sdk_voice: Any) -> None:
    ride = app.start_ride("r1", RIDER, DRIVER)
    assert ride.proxy_number in POOL
    assert ride.expires_in_minutes == 60  # the default set by provision()
    session = chime_sdk_voice.get_proxy_session(
        VoiceConnectorId=app.voice_connector_id, ProxySessionId=ride.session_id
    )["ProxySession"]
    assert {p["ProxyPhoneNumber"] for p in session["Participants"]} == {ride.proxy_number}
    assert app.status(ride) == "Open"


def test_a_rider_in_two_rides_gets_two_numbers(app: MaskingService) -> None:
    first = app.start_ride("r1", RIDER, DRIVER)
    second = app.start_ride("r2", RIDER, OTHER_DRIVER)
    assert first.proxy_number != second.proxy_number  # otherwise the rider could not tell the drivers apart


def test_no_number_left(app: MaskingService) -> None:
    app.start_ride("r1", RIDER, DRIVER)
    app.start_ride("r2", RIDER, OTHER_DRIVER)
    with pytest.raises(NoProxyNumberAvailable, match="exhausted"):
        app.start_ride("r3", RIDER, "+16175550103")


def test_rides_expire(app: MaskingService, chime_proxy: Any) -> None:
    short = app.start_ride("r1", RIDER, DRIVER, minutes=15)
    long = app.start_ride("r2", "+16175550103", OTHER_DRIVER, minutes=90)
    chime_proxy.clock.advance(minutes=16)
    assert app.status(short) == "Closed"
    assert app.active_rides() == ["r2"]
    assert app.status(long) == "Open"


def test_extending_a_ride_keeps_it_open(app: MaskingService, chime_proxy: Any) -> None:
    ride = app.start_ride("r1", RIDER, DRIVER, minutes=15)
    assert app.extend(ride, 45).expires_in_minutes == 45
    chime_proxy.clock.advance(minutes=30)
    assert app.status(ride) == "Open"


def test_ending_a_ride_frees_its_number(app: MaskingService) -> None:
    first = app.start_ride("r1", RIDER, DRIVER)
    app.start_ride("r2", RIDER, OTHER_DRIVER)
    app.end_ride(first)
    assert app.status(first) is None
    assert app.start_ride("r3", RIDER, "+16175550103").proxy_number == first.proxy_number


def test_active_rides_reads_every_page(app: MaskingService) -> None:
    for i in range(5):
        app.start_ride(f"r{i}", f"+1401555020{i}", f"+1206555020{i}")
    assert app.active_rides(page_size=2) == [f"r{i}" for i in range(5)]


@pytest.mark.chime_proxy(phone_numbers=["+12065550177", "+19135550199"])
def test_local_numbers(chime_sdk_voice: Any, voice_connector: str) -> None:
    app = MaskingService(chime_sdk_voice, voice_connector)
    assert app.start_ride("r1", DRIVER, RIDER, local=True).proxy_number == "+12065550177"  # Seattle for Seattle
    # no free 401 number: the area code is a preference, so another number of the pool serves
    assert app.start_ride("r2", RIDER, OTHER_DRIVER, local=True).proxy_number == "+19135550199"


@mock_chime_proxy
def test_without_fixtures() -> None:
    client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    app = MaskingService(
        client,
        provision(
            client, ["+19135550150"], default_minutes=20, sleep=lambda s: current_mock().clock.advance(seconds=s)
        ),
    )
    assert app.start_ride("r1", RIDER, DRIVER).expires_in_minutes == 20
