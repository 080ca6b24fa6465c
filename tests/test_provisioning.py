"""Provisioning as a real account runs it: searching numbers, orders that take time, the deletion queue,
toll-free numbers, opt-in service quotas and the opt-in legacy cut-off; and the operation registry behind them.

The options are set on the mock's ``backend`` directly (``order_delay``, ``quotas``, ``legacy_cutoff``).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import PAIR, fresh_python

import pytest_chime_proxy
from pytest_chime_proxy.core import operations
from pytest_chime_proxy.core.domain.quotas import Quotas

SPECS = Path(pytest_chime_proxy.__file__).parent / "core" / "wire" / "specs"


def _wait_for(client: Any, order_id: str, mock: Any) -> dict[str, Any]:
    """Poll as real code does, each wait moving the fake's clock instead of sleeping."""
    polls = 0
    while True:
        order = client.get_phone_number_order(PhoneNumberOrderId=order_id)["PhoneNumberOrder"]
        if order["Status"] != "Processing":
            return order
        polls += 1
        assert polls < 100, "the order never completed"
        mock.clock.advance(seconds=30)


def _vc(client: Any, name: str = "rides") -> str:
    return client.create_voice_connector(Name=name, RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]


# ---- the operation registry -------------------------------------------------------------------------------------
@pytest.mark.parametrize("namespace", ["chime-sdk-voice", "chime"])
def test_the_snapshots_emulate_exactly_the_registered_operations(namespace: str) -> None:
    """Every registered operation the namespace's model has is emulated there (chime-sdk-voice has operations
    the legacy model lacks: those are in neither list of the legacy snapshot)."""
    snapshot = json.loads((SPECS / f"{namespace}.json").read_text())
    modeled = set(snapshot["operations"]) | set(snapshot["other_operations"])
    assert sorted(snapshot["operations"]) == [op for op in operations.emulated() if op in modeled]
    assert not set(operations.emulated()) & set(snapshot["other_operations"])
    if namespace == "chime-sdk-voice":
        assert sorted(snapshot["operations"]) == operations.emulated()


def test_a_routed_operation_without_a_handler_is_a_loud_501(
    chime_proxy: Any, chime_sdk_voice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    vc = _vc(chime_sdk_voice)
    monkeypatch.delitem(operations.load(), "GetVoiceConnector")
    with pytest.raises(Exception) as raised:
        chime_sdk_voice.get_voice_connector(VoiceConnectorId=vc)
    error = raised.value.response  # type: ignore[attr-defined]
    assert error["Error"]["Code"] == "NotImplementedException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "GetVoiceConnector" in error["Error"]["Message"] and "@operation" in error["Error"]["Message"]
    assert chime_proxy.calls.last().status == 501


def test_an_operation_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="CreateProxySession is registered twice"):
        operations.operation("CreateProxySession")(operations.handler("GetProxySession"))


# ---- SearchAvailablePhoneNumbers ---------------------------------------------------------------------------------
def test_search_by_area_code_pages_through_fictional_numbers_an_order_accepts(client: Any, chime_proxy: Any) -> None:
    first = client.search_available_phone_numbers(AreaCode="913", MaxResults=60)
    rest = client.search_available_phone_numbers(AreaCode="913", MaxResults=60, NextToken=first["NextToken"])
    numbers = first["E164PhoneNumbers"] + rest["E164PhoneNumbers"]
    assert "NextToken" not in rest
    assert len(numbers) == len(set(numbers)) == 100
    assert all(re.fullmatch(r"\+19135550[1][0-9]{2}", n) for n in numbers)  # NANP's fictional 555-0100..0199
    order = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=numbers[:2])
    done = _wait_for(client, order["PhoneNumberOrder"]["PhoneNumberOrderId"], chime_proxy)
    assert done["Status"] == "Successful"
    again = client.search_available_phone_numbers(AreaCode="913", MaxResults=500)["E164PhoneNumbers"]
    assert numbers[0] not in again and numbers[2] in again and len(again) == 98  # owned: no longer available


def test_search_by_state_and_city_uses_that_states_area_codes(client: Any) -> None:
    washington = client.search_available_phone_numbers(State="WA", MaxResults=500)["E164PhoneNumbers"]
    areas = {n[2:5] for n in washington}
    assert {"206", "425", "509"} <= areas and "913" not in areas
    chicago = client.search_available_phone_numbers(State="IL", City="Chicago", MaxResults=500)["E164PhoneNumbers"]
    assert {n[2:5] for n in chicago} == {"312", "773", "872"}


def test_search_by_toll_free_prefix_gives_toll_free_numbers(client: Any, chime_proxy: Any) -> None:
    found = client.search_available_phone_numbers(TollFreePrefix="844", MaxResults=3)["E164PhoneNumbers"]
    assert [n[:5] for n in found] == ["+1844"] * 3
    order = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=found[:1])
    _wait_for(client, order["PhoneNumberOrder"]["PhoneNumberOrderId"], chime_proxy)
    number = client.get_phone_number(PhoneNumberId=found[0])["PhoneNumber"]
    assert number["Type"] == "TollFree"
    any_toll_free = client.search_available_phone_numbers(
        Country="US", PhoneNumberType="TollFree", TollFreePrefix="800", MaxResults=1
    )["E164PhoneNumbers"]
    assert any_toll_free[0].startswith("+1800")


def test_search_outside_the_us_takes_the_number_type(client: Any) -> None:
    import phonenumbers

    found = client.search_available_phone_numbers(Country="GB", PhoneNumberType="Local", MaxResults=5)
    assert len(found["E164PhoneNumbers"]) == 5
    for number in found["E164PhoneNumbers"]:
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed) and phonenumbers.region_code_for_number(parsed) == "GB"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {},
            "operation: Service received a bad request$",
        ),  # the service's words on record (cdk-amazon-chime-resources#62)
        ({"City": "Seattle"}, "City requires State"),
        ({"Country": "GB"}, "requires PhoneNumberType"),
        ({"Country": "GB", "PhoneNumberType": "Local", "AreaCode": "207"}, "only be searched by PhoneNumberType"),
        ({"AreaCode": "000"}, "not a US geographic area code"),
        ({"State": "Atlantis"}, "not a US state"),
        ({"TollFreePrefix": "800", "PhoneNumberType": "Local"}, "cannot be combined"),
    ],
)
def test_a_search_the_service_refuses_is_a_bad_request_saying_why(
    client: Any, params: dict[str, str], message: str
) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match=message):
        client.search_available_phone_numbers(**params)


def test_the_models_constraints_apply_to_the_search(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="tollFreePrefix"):
        client.search_available_phone_numbers(TollFreePrefix="899")
    with pytest.raises(client.exceptions.BadRequestException, match="maxResults"):
        client.search_available_phone_numbers(AreaCode="913", MaxResults=501)


# ---- orders take time ---------------------------------------------------------------------------------------------
def test_an_order_is_processing_until_its_delay_has_passed_on_the_clock(client: Any, chime_proxy: Any) -> None:
    numbers = ["+19135550101", "+19135550102"]
    created = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=numbers)
    order = created["PhoneNumberOrder"]
    assert order["Status"] == "Processing"
    assert {s for _, s in ((n["E164PhoneNumber"], n["Status"]) for n in order["OrderedPhoneNumbers"])} == {"Processing"}
    listed = client.list_phone_numbers()["PhoneNumbers"]
    assert {n["Status"] for n in listed} == {"AcquireInProgress"}
    vc = _vc(client)
    early = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=numbers[:1])
    assert [e["ErrorCode"] for e in early["PhoneNumberErrors"]] == ["BadRequest"]
    assert "still being acquired" in early["PhoneNumberErrors"][0]["ErrorMessage"]

    chime_proxy.clock.advance(chime_proxy.backend.order_delay - timedelta(seconds=1))
    order_id = order["PhoneNumberOrderId"]
    assert client.get_phone_number_order(PhoneNumberOrderId=order_id)["PhoneNumberOrder"]["Status"] == "Processing"
    chime_proxy.clock.advance(seconds=1)
    done = client.get_phone_number_order(PhoneNumberOrderId=order_id)["PhoneNumberOrder"]
    assert done["Status"] == "Successful"
    assert {n["Status"] for n in done["OrderedPhoneNumbers"]} == {"Acquired"}
    assert done["UpdatedTimestamp"] > done["CreatedTimestamp"]
    assert {n["Status"] for n in client.list_phone_numbers()["PhoneNumbers"]} == {"Unassigned"}
    late = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=numbers)
    assert late["PhoneNumberErrors"] == []


def test_the_default_delay_is_what_callers_observe_and_a_test_can_set_its_own(
    chime_proxy: Any, chime_sdk_voice: Any
) -> None:
    # the AWS CLI's documented order completed 10.5 s after creation; real loops poll every 10-15 s
    assert chime_proxy.backend.order_delay == timedelta(seconds=10)
    chime_proxy.backend.order_delay = timedelta(seconds=0)
    order = chime_sdk_voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=["+19135550101"])[
        "PhoneNumberOrder"
    ]
    assert order["Status"] == "Successful"


def test_a_number_already_owned_fails_individually_once_processed(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers(["+19135550101"])  # the helper orders at once
    order = client.create_phone_number_order(
        ProductType="VoiceConnector", E164PhoneNumbers=["+19135550101", "+19135550102"]
    )["PhoneNumberOrder"]
    assert order["Status"] == "Processing"
    done = _wait_for(client, order["PhoneNumberOrderId"], chime_proxy)
    assert done["Status"] == "Partial"
    assert {n["E164PhoneNumber"]: n["Status"] for n in done["OrderedPhoneNumbers"]} == {
        "+19135550101": "Failed",
        "+19135550102": "Acquired",
    }


def test_a_number_being_acquired_cannot_be_deleted(client: Any) -> None:
    client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=["+19135550101"])
    with pytest.raises(client.exceptions.BadRequestException, match="still being acquired"):
        client.delete_phone_number(PhoneNumberId="+19135550101")
    assert client.get_phone_number(PhoneNumberId="+19135550101")["PhoneNumber"]["Status"] == "AcquireInProgress"


def test_local_and_toll_free_numbers_are_typed(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers(["+19135550101", "+18005550100", "+18885550100", "+442071838750"])
    types = {n["E164PhoneNumber"]: n["Type"] for n in client.list_phone_numbers()["PhoneNumbers"]}
    assert types == {
        "+19135550101": "Local",
        "+18005550100": "TollFree",
        "+18885550100": "TollFree",
        "+442071838750": "Local",
    }
    products = {n["E164PhoneNumber"]: n["ProductType"] for n in client.list_phone_numbers()["PhoneNumbers"]}
    assert products["+442071838750"] == "SipMediaApplicationDialIn"  # the helper orders as a real account must
    assert products["+19135550101"] == "VoiceConnector"


# ---- the deletion queue ---------------------------------------------------------------------------------------------
def test_a_deleted_number_waits_seven_days_in_the_queue_then_is_gone(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers(["+19135550101", "+19135550102"])
    client.delete_phone_number(PhoneNumberId="+19135550101")
    queued = client.get_phone_number(PhoneNumberId="+19135550101")["PhoneNumber"]
    assert queued["Status"] == "DeleteInProgress"
    chime_proxy.clock.advance(timedelta(days=7) - timedelta(minutes=1))
    assert client.get_phone_number(PhoneNumberId="+19135550101")["PhoneNumber"]["Status"] == "DeleteInProgress"
    chime_proxy.clock.advance(minutes=1)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_phone_number(PhoneNumberId="+19135550101")
    assert [n["E164PhoneNumber"] for n in client.list_phone_numbers()["PhoneNumbers"]] == ["+19135550102"]


# ---- service quotas (opt-in) ------------------------------------------------------------------------------------------
def test_without_quotas_a_fourth_connector_is_created(client: Any) -> None:
    for i in range(4):
        _vc(client, f"vc{i}")
    assert len(client.list_voice_connectors()["VoiceConnectors"]) == 4


@pytest.mark.chime_proxy(quotas=True)
def test_with_quotas_a_fourth_connector_in_a_region_exceeds_the_limit(
    client: Any, chime_proxy: Any, namespace: str
) -> None:
    import boto3

    for i in range(3):
        _vc(client, f"vc{i}")
    with pytest.raises(client.exceptions.ResourceLimitExceededException, match="quota of 3") as raised:
        _vc(client, "vc3")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(client.list_voice_connectors()["VoiceConnectors"]) == 3  # the refused request changed nothing
    if namespace == "chime-sdk-voice":  # the quota is per region
        west = boto3.client("chime-sdk-voice", region_name="us-west-2")
        assert _vc(west, "west")


@pytest.mark.chime_proxy(quotas={"voice_connectors_per_region": 1, "phone_numbers_per_account": 2})
def test_a_quota_can_be_overridden_per_test(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    _vc(chime_sdk_voice)
    with pytest.raises(chime_sdk_voice.exceptions.ResourceLimitExceededException):
        _vc(chime_sdk_voice, "second")
    with pytest.raises(chime_sdk_voice.exceptions.ResourceLimitExceededException, match="phone numbers"):
        chime_sdk_voice.create_phone_number_order(
            ProductType="VoiceConnector", E164PhoneNumbers=["+19135550101", "+19135550102", "+19135550103"]
        )
    assert chime_sdk_voice.list_phone_numbers()["PhoneNumbers"] == []
    chime_sdk_voice.create_phone_number_order(
        ProductType="VoiceConnector", E164PhoneNumbers=["+19135550101", "+19135550102"]
    )


def test_an_unknown_or_negative_quota_is_refused_when_configured() -> None:
    with pytest.raises(ValueError, match="unknown quota proxy_sessions"):
        Quotas.of({"proxy_sessions": 3})
    with pytest.raises(ValueError, match="non-negative"):
        Quotas.of({"voice_connectors_per_region": -1})


# ---- the legacy cut-off (opt-in) ---------------------------------------------------------------------------------
CUTOFF = (
    'Account Id 123456789012 is not authorized to call deprecated Amazon Chime SDK API on the "chime" '
    'endpoint, use one of the "*-chime*" endpoints instead.'
)


def test_with_the_cutoff_legacy_calls_are_refused_as_aws_refuses_them(chime_proxy: Any) -> None:
    from test_raw_http import LEGACY, VOICE, signed

    vc = chime_proxy.create_voice_connector()
    chime_proxy.backend.legacy_cutoff = True
    refused = signed(
        "POST",
        f"{LEGACY}/voice-connectors/{vc}/proxy-sessions",
        {"ParticipantPhoneNumbers": PAIR, "Capabilities": ["Voice"]},
    )
    assert refused.status_code == 403
    assert refused.headers["x-amzn-ErrorType"] == "ForbiddenException"
    assert refused.json() == {"Code": "Forbidden", "Message": CUTOFF, "RequestId": refused.headers["x-amzn-RequestId"]}
    also = signed("GET", f"{LEGACY}/voice-connectors")
    assert also.status_code == 403
    assert chime_proxy.backend.account("123456789012").voice_connectors[vc].sessions == {}
    voice = signed(
        "POST",
        f"{VOICE}/voice-connectors/{vc}/proxy-sessions",
        {"ParticipantPhoneNumbers": PAIR, "Capabilities": ["Voice"]},
    )
    assert voice.status_code == 201  # the migration path works


def test_the_cutoff_names_the_callers_account(chime_proxy: Any) -> None:
    from test_raw_http import LEGACY, signed

    chime_proxy.backend.legacy_cutoff = True
    refused = signed("GET", f"{LEGACY}/voice-connectors", key="111122223333")
    assert refused.json()["Message"].startswith("Account Id 111122223333 is not authorized")


def test_with_the_cutoff_a_legacy_client_raises_forbidden(chime_proxy: Any, chime_client: Any) -> None:
    chime_proxy.backend.legacy_cutoff = True
    with pytest.raises(chime_client.exceptions.ForbiddenException, match="deprecated Amazon Chime SDK API"):
        chime_client.list_voice_connectors()
    assert chime_proxy.calls.last().status == 403


def test_without_the_cutoff_legacy_calls_are_answered(chime_proxy: Any) -> None:
    from test_raw_http import LEGACY, signed

    assert chime_proxy.backend.legacy_cutoff is False
    assert signed("GET", f"{LEGACY}/voice-connectors").status_code == 200


# ---- the provisioning options, as a user sets them ------------------------------------------------------------
def test_the_provisioning_options_reach_the_fake_from_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        PAIR = ["+14015550101", "+12065550100"]

        @pytest.mark.chime_proxy(order_delay=0, quotas={"voice_connectors_per_region": 1}, on_demand_pool_size=1)
        def test_options(chime_sdk_voice):
            order = chime_sdk_voice.create_phone_number_order(ProductType="VoiceConnector",
                                                              E164PhoneNumbers=["+19135550111"])
            assert order["PhoneNumberOrder"]["Status"] == "Successful"  # order_delay=0: at once
            vc = chime_sdk_voice.create_voice_connector(Name="one", RequireEncryption=True)["VoiceConnector"]
            with pytest.raises(chime_sdk_voice.exceptions.ResourceLimitExceededException):
                chime_sdk_voice.create_voice_connector(Name="two", RequireEncryption=True)
            vc_id = vc["VoiceConnectorId"]
            chime_sdk_voice.put_voice_connector_proxy(VoiceConnectorId=vc_id, DefaultSessionExpiryMinutes=60,
                                                      PhoneNumberPoolCountries=["US"])
            chime_sdk_voice.create_proxy_session(VoiceConnectorId=vc_id, ParticipantPhoneNumbers=PAIR,
                                                 Capabilities=["Voice"])
            with pytest.raises(chime_sdk_voice.exceptions.BadRequestException):  # the one on-demand number is busy
                chime_sdk_voice.create_proxy_session(VoiceConnectorId=vc_id, ParticipantPhoneNumbers=PAIR[:1] +
                                                     ["+12065550111"], Capabilities=["Voice"])

        @pytest.mark.chime_proxy(legacy_cutoff=True)
        def test_cutoff(chime_proxy):
            assert chime_proxy.backend.legacy_cutoff

        @pytest.mark.chime_proxy(quotas={"proxy_sessions": 1})
        def test_unknown_quota(chime_proxy):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*unknown quota proxy_sessions*"])


def test_the_source_index_places_every_literal_registration_in_its_module() -> None:
    """``handler`` imports only the module the source index names: it must be the module that registers it."""
    from pytest_chime_proxy.core.operations import registry

    index = registry._index()
    handlers = operations.load()
    assert len(index) >= 80
    for name, module in index.items():
        assert handlers[name].__module__ == f"{registry._PACKAGE}.{module}", name


def test_a_first_request_imports_only_its_own_handler_module() -> None:
    first, after = fresh_python(
        "import sys, boto3\n"
        "from pytest_chime_proxy import ChimeProxyMock\n"
        "with ChimeProxyMock() as mock:\n"
        "    client = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
        "    client.list_voice_connectors()\n"
        "    print(sorted(m.rpartition('.')[2] for m in sys.modules if m.startswith('pytest_chime_proxy.core.operations.')))\n"
        "    vc = mock.create_voice_connector()\n"
        "    client.put_voice_connector_logging_configuration(VoiceConnectorId=vc,\n"
        "        LoggingConfiguration={'EnableSIPLogs': True})\n"
        "    got = client.get_voice_connector_logging_configuration(VoiceConnectorId=vc)\n"
        "    assert got['LoggingConfiguration']['EnableSIPLogs'] is True\n"
        "    print(len([m for m in sys.modules if m.startswith('pytest_chime_proxy.core.operations.')]))\n"
    )
    assert first == "['paging', 'registry', 'voice_connectors']"  # ListVoiceConnectors pages
    assert int(after) >= 14  # a dynamically registered operation loads them all, and is answered


def test_handler_modules_imported_again_answer_as_before() -> None:
    """pytester's in-process runs put ``sys.modules`` back: a handler module first imported inside one is
    imported anew after it, and registers the same handlers again (this broke every later request once)."""
    count, groups = fresh_python(
        "import sys, boto3\n"
        "from pytest_chime_proxy import ChimeProxyMock\n"
        "from pytest_chime_proxy.core import operations\n"
        "with ChimeProxyMock():\n"
        "    client = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
        "    client.list_voice_connectors()\n"
        "    before = set(sys.modules)\n"
        "    client.create_voice_connector_group(Name='inner')\n"
        "    for name in set(sys.modules) - before:\n"
        "        del sys.modules[name]\n"
        "    print(len(operations.emulated()))\n"
        "    client.create_voice_connector_group(Name='outer')\n"
        "    print(len(client.list_voice_connector_groups()['VoiceConnectorGroups']))\n"
    )
    assert int(count) == len(operations.emulated())
    assert groups == "2"
