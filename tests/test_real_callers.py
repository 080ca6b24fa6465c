"""The calls public provisioning code on record makes, in its order and with its waits (issue 19).

Modelled on cdklabs/cdk-amazon-chime-resources' Python custom resource for phone numbers and voice connectors
(legacy ``chime``; run unchanged against the fake while this was written, see the README): search one number
by area code, order it, poll the order every 15 seconds at most ten times, build a connector with streaming,
termination and origination, and tear it all down. Our own code, the same calls, through both namespaces;
``time.sleep`` moves the mock's clock (``virtual_sleep``).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.chime_proxy(virtual_sleep=True)


def _provision_number(client: Any, **search: str) -> str:
    found = client.search_available_phone_numbers(MaxResults=1, **search)["E164PhoneNumbers"][0]
    order_id = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=[found])[
        "PhoneNumberOrder"
    ]["PhoneNumberOrderId"]
    for _ in range(10):  # the custom resource's loop: 10 polls, 15 s apart (150 s)
        if client.get_phone_number_order(PhoneNumberOrderId=order_id)["PhoneNumberOrder"]["Status"] == "Successful":
            return str(found)
        time.sleep(15)
    raise RuntimeError("Could not get phone number")


def test_a_custom_resource_lifecycle_runs_as_on_aws(client: Any, chime_proxy: Any) -> None:
    started = chime_proxy.clock.time()
    first = _provision_number(client, AreaCode="206")
    second = _provision_number(client, State="WA", Country="US")
    assert chime_proxy.clock.time() - started < 60  # each order completed within a poll or two

    vc = client.create_voice_connector(Name="cdkvc", AwsRegion="us-east-1", RequireEncryption=False)["VoiceConnector"][
        "VoiceConnectorId"
    ]
    client.put_voice_connector_streaming_configuration(
        VoiceConnectorId=vc,
        StreamingConfiguration={
            "DataRetentionInHours": 24,
            "Disabled": False,
            "StreamingNotificationTargets": [{"NotificationTarget": "EventBridge"}],
        },
    )
    client.put_voice_connector_termination(
        VoiceConnectorId=vc,
        Termination={
            "CallingRegions": ["US"],
            "CidrAllowedList": ["198.51.100.0/27"],
            "Disabled": False,
            "CpsLimit": 1,
        },
    )
    client.put_voice_connector_origination(
        VoiceConnectorId=vc,
        Origination={
            "Routes": [{"Host": "198.51.100.10", "Port": 5060, "Protocol": "UDP", "Priority": 1, "Weight": 1}],
            "Disabled": False,
        },
    )
    client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=[first])

    # a search by Country alone fails as it did on AWS (cdk-amazon-chime-resources#62)
    with pytest.raises(client.exceptions.BadRequestException, match="Service received a bad request"):
        client.search_available_phone_numbers(MaxResults=1, Country="US")

    # teardown: disassociate what is listed for the connector (by the ids the listing gives), then delete
    listed = client.list_phone_numbers(FilterName="VoiceConnectorId", FilterValue=vc)["PhoneNumbers"]
    ids = [n["PhoneNumberId"] for n in listed]
    assert ids == ["%2B" + first[1:]]
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=[first])
    client.delete_voice_connector(VoiceConnectorId=vc)
    for number in (first, second):
        assert client.get_phone_number(PhoneNumberId=number)["PhoneNumber"]["Status"] == "Unassigned"
        client.delete_phone_number(PhoneNumberId=number)
    assert {n["Status"] for n in client.list_phone_numbers()["PhoneNumbers"]} == {"DeleteInProgress"}
