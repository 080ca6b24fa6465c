"""The phone-number inventory, and building a proxy pool the way a real account does.

order -> list -> get -> create connector -> associate -> put proxy -> sessions, all through the API.
Assumptions of the fake (documented in ``domain/phone_numbers.py``), tested as such: an order completes after
the backend's ``order_delay`` (``_order`` waits for it on the fake's clock); a number already in the inventory fails individually (order status Partial / Failed); a deleted number
goes to DeleteInProgress and leaves every pool; an associated number must be disassociated before deletion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

NUMBERS = ["+19135550101", "+19135550102"]


@pytest.fixture
def order(client: Any, chime_proxy: Any) -> Callable[..., dict[str, Any]]:
    """Order and wait, as real code does: the order is Processing until the fake's clock passes its delay."""

    def place(numbers: list[str], product: str = "VoiceConnector", via: Any = None) -> dict[str, Any]:
        api = via or client
        created = api.create_phone_number_order(ProductType=product, E164PhoneNumbers=numbers)["PhoneNumberOrder"]
        assert created["Status"] == "Processing"
        chime_proxy.clock.advance(chime_proxy.backend.order_delay)
        return api.get_phone_number_order(PhoneNumberOrderId=created["PhoneNumberOrderId"])["PhoneNumberOrder"]

    return place


def _vc(client: Any) -> str:
    return client.create_voice_connector(Name="rides", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]


def test_a_pool_built_through_the_api_serves_sessions(client: Any, order: Any) -> None:
    order = order(NUMBERS)
    assert order["Status"] == "Successful" and order["ProductType"] == "VoiceConnector"
    assert sorted((n["E164PhoneNumber"], n["Status"]) for n in order["OrderedPhoneNumbers"]) == [
        (n, "Acquired") for n in NUMBERS
    ]
    assert client.get_phone_number_order(PhoneNumberOrderId=order["PhoneNumberOrderId"])["PhoneNumberOrder"] == order

    listed = client.list_phone_numbers(ProductType="VoiceConnector")["PhoneNumbers"]
    assert [n["E164PhoneNumber"] for n in listed] == NUMBERS
    assert {n["Status"] for n in listed} == {"Unassigned"}
    number = client.get_phone_number(PhoneNumberId=NUMBERS[0])["PhoneNumber"]
    assert number["Country"] == "US" and number["ProductType"] == "VoiceConnector"
    assert number["Associations"] == []

    vc = _vc(client)
    result = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS)
    assert result["PhoneNumberErrors"] == []
    number = client.get_phone_number(PhoneNumberId=NUMBERS[0])["PhoneNumber"]
    assert number["Status"] == "Assigned"
    assert [(a["Name"], a["Value"]) for a in number["Associations"]] == [("VoiceConnectorId", vc)]

    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=45, PhoneNumberPoolCountries=["US"]
    )
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice", "SMS"]
    )["ProxySession"]
    assert session["ExpiryMinutes"] == 45
    assert session["Participants"][0]["ProxyPhoneNumber"] in NUMBERS


def test_a_connector_without_numbers_gets_fictional_ones_on_demand(client: Any) -> None:
    vc = _vc(client)
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=60, PhoneNumberPoolCountries=["US"]
    )
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
    )["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] == "+14015550100"  # 555-01xx in the first's area code
    assert client.list_phone_numbers()["PhoneNumbers"] == []  # the service's number, not the account's


def test_ordering_an_owned_number_fails_for_that_number(client: Any, order: Any) -> None:
    order(NUMBERS[:1])
    partial = order(NUMBERS)
    assert partial["Status"] == "Partial"
    assert dict((n["E164PhoneNumber"], n["Status"]) for n in partial["OrderedPhoneNumbers"]) == {
        NUMBERS[0]: "Failed",
        NUMBERS[1]: "Acquired",
    }
    assert order(NUMBERS)["Status"] == "Failed"


def test_unknown_order_and_number_are_not_found(client: Any, order: Any) -> None:
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_phone_number_order(PhoneNumberOrderId="00000000-0000-4000-8000-000000000000")
    for call in (client.get_phone_number, client.delete_phone_number):
        with pytest.raises(client.exceptions.NotFoundException, match="19135550199"):
            call(PhoneNumberId="+19135550199")


def test_list_filters_by_connector_status_and_paging(client: Any, order: Any) -> None:
    order(NUMBERS + ["+19135550103"])
    vc = _vc(client)
    client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[1:])
    on_vc = client.list_phone_numbers(FilterName="VoiceConnectorId", FilterValue=vc)["PhoneNumbers"]
    assert [n["E164PhoneNumber"] for n in on_vc] == NUMBERS[1:]
    unassigned = client.list_phone_numbers(Status="Unassigned")["PhoneNumbers"]
    assert [n["E164PhoneNumber"] for n in unassigned] == [NUMBERS[0], "+19135550103"]
    assigned = client.list_phone_numbers(Status="Assigned")["PhoneNumbers"]
    assert [n["E164PhoneNumber"] for n in assigned] == NUMBERS[1:]
    first = client.list_phone_numbers(MaxResults=2)
    rest = client.list_phone_numbers(MaxResults=2, NextToken=first["NextToken"])
    assert [n["E164PhoneNumber"] for n in first["PhoneNumbers"] + rest["PhoneNumbers"]] == NUMBERS + ["+19135550103"]
    assert "NextToken" not in rest


def test_associating_unknown_or_foreign_numbers_reports_per_number_errors(client: Any, order: Any) -> None:
    order(NUMBERS)
    first, second = _vc(client), _vc(client)
    client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=first, E164PhoneNumbers=NUMBERS[:1])
    result = client.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=second, E164PhoneNumbers=[NUMBERS[0], NUMBERS[1], "+19135550199"]
    )
    errors = {e["PhoneNumberId"]: e["ErrorCode"] for e in result["PhoneNumberErrors"]}
    assert errors == {NUMBERS[0]: "PhoneNumberAssociationsExist", "+19135550199": "NotFound"}
    on_second = client.list_phone_numbers(FilterName="VoiceConnectorId", FilterValue=second)["PhoneNumbers"]
    assert [n["E164PhoneNumber"] for n in on_second] == [NUMBERS[1]]  # the good number went through


def test_force_associate_moves_a_number(client: Any, order: Any) -> None:
    order(NUMBERS[:1])
    first, second = _vc(client), _vc(client)
    client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=first, E164PhoneNumbers=NUMBERS[:1])
    result = client.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=second, E164PhoneNumbers=NUMBERS[:1], ForceAssociate=True
    )
    assert result["PhoneNumberErrors"] == []
    associations = client.get_phone_number(PhoneNumberId=NUMBERS[0])["PhoneNumber"]["Associations"]
    assert [a["Value"] for a in associations] == [second]


def test_numbers_of_another_product_type_cannot_join_a_pool(client: Any, order: Any) -> None:
    order(NUMBERS[:1], product="SipMediaApplicationDialIn")
    vc = _vc(client)
    result = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[:1])
    assert [e["ErrorCode"] for e in result["PhoneNumberErrors"]] == ["BadRequest"]


def test_disassociating_a_number_not_on_the_connector_reports_it(client: Any, order: Any) -> None:
    order(NUMBERS[:1])
    vc = _vc(client)
    result = client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[:1])
    assert [(e["PhoneNumberId"], e["ErrorCode"]) for e in result["PhoneNumberErrors"]] == [(NUMBERS[0], "NotFound")]


def test_an_associated_number_cannot_be_deleted(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(NUMBERS[:1])
    with pytest.raises(client.exceptions.BadRequestException, match="disassociate"):
        client.delete_phone_number(PhoneNumberId=NUMBERS[0])
    assert client.get_phone_number(PhoneNumberId=NUMBERS[0])["PhoneNumber"]["Status"] == "Assigned"
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[:1])
    assert client.delete_phone_number(PhoneNumberId=NUMBERS[0])["ResponseMetadata"]["HTTPStatusCode"] == 204
    deleted = client.get_phone_number(PhoneNumberId=NUMBERS[0])["PhoneNumber"]
    assert deleted["Status"] == "DeleteInProgress" and "DeletionTimestamp" in deleted


def test_a_deleted_number_leaves_the_pool_and_can_be_ordered_again(client: Any, chime_proxy: Any, order: Any) -> None:
    vc = chime_proxy.create_voice_connector(NUMBERS[:1])
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[:1])
    client.delete_phone_number(PhoneNumberId=NUMBERS[0])
    result = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[:1])
    assert [e["ErrorCode"] for e in result["PhoneNumberErrors"]] == ["NotFound"]
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
    )["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] != NUMBERS[0]  # on demand instead
    assert order(NUMBERS[:1])["Status"] == "Successful"


def test_disassociating_removes_the_number_from_the_pool(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(NUMBERS)
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=NUMBERS[:1])
    for i in range(2):  # distinct pairs: every session may use the one remaining number
        session = client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=[f"+1401555010{i}", f"+1206555010{i}"], Capabilities=["Voice"]
        )["ProxySession"]
        assert session["Participants"][0]["ProxyPhoneNumber"] == NUMBERS[1]


def test_the_inventory_belongs_to_the_account_not_the_region(chime_proxy: Any, order: Any) -> None:
    import boto3

    east = boto3.client("chime-sdk-voice", region_name="us-east-1")
    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    order(via=east, numbers=NUMBERS[:1])
    assert [n["E164PhoneNumber"] for n in west.list_phone_numbers()["PhoneNumbers"]] == NUMBERS[:1]


def test_an_empty_order_is_a_bad_request(client: Any, order: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="at least one"):
        client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=[])


def test_filter_name_and_value_go_together(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="FilterName and FilterValue"):
        client.list_phone_numbers(FilterName="VoiceConnectorId")


def test_filtering_by_an_association_the_fake_never_makes_finds_nothing(client: Any, chime_proxy: Any) -> None:
    """Assumption: numbers only ever join voice connectors here, so other association filters match none."""
    chime_proxy.create_voice_connector(NUMBERS)
    assert client.list_phone_numbers(FilterName="SipRuleId", FilterValue="rule")["PhoneNumbers"] == []


def test_the_default_numbers_known_countries_are_libphonenumbers() -> None:
    # geo answers these without importing phonenumbers: the answer must be the one phonenumbers gives
    import phonenumbers

    from pytest_chime_proxy.core.domain.geo import KNOWN_COUNTRIES
    from pytest_chime_proxy.mock import DEFAULT_PHONE_NUMBERS

    assert set(DEFAULT_PHONE_NUMBERS) <= set(KNOWN_COUNTRIES)
    for number, country in KNOWN_COUNTRIES.items():
        assert phonenumbers.region_code_for_number(phonenumbers.parse(number)) == country


def test_numbers_abroad_are_found_after_sys_modules_was_put_back() -> None:
    """pytester's in-process runs put ``sys.modules`` back as it was: the phonenumbers copy the fake found may
    leave it, and a new copy gets each country's metadata from then on. The fake follows the new copy."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import sys, boto3
        from pytest_chime_proxy import ChimeProxyMock
        with ChimeProxyMock():
            client = boto3.client("chime-sdk-voice", region_name="us-east-1")
            search = client.search_available_phone_numbers
            assert search(Country="GB", PhoneNumberType="Local")["E164PhoneNumbers"]
            for name in [n for n in sys.modules if "phonenumbers" in n]:
                del sys.modules[name]
            import phonenumbers  # a new copy, as code after a pytester run would import it
            print(len(search(Country="FR", PhoneNumberType="Local")["E164PhoneNumbers"]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 0
