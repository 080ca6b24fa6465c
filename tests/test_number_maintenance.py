"""Keeping owned numbers: list orders, update one detail at a time, batch update and delete with per-item
errors, restore out of the 7-day deletion queue, and the account's default calling name (both namespaces)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pytest_chime_proxy.core.domain.quotas import Quotas

A, B, C = "+19135550101", "+19135550102", "+19135550103"


def _vc(client: Any) -> str:
    return client.create_voice_connector(Name="rides", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]


def test_orders_are_listed_oldest_first_and_paged(client: Any, chime_proxy: Any) -> None:
    first = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=[A])["PhoneNumberOrder"]
    chime_proxy.clock.advance(seconds=1)
    second = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=[B, C])["PhoneNumberOrder"]
    page = client.list_phone_number_orders(MaxResults=1)
    assert [o["PhoneNumberOrderId"] for o in page["PhoneNumberOrders"]] == [first["PhoneNumberOrderId"]]
    rest = client.list_phone_number_orders(MaxResults=1, NextToken=page["NextToken"])
    assert [o["PhoneNumberOrderId"] for o in rest["PhoneNumberOrders"]] == [second["PhoneNumberOrderId"]]
    assert "NextToken" not in rest
    chime_proxy.clock.advance(chime_proxy.backend.order_delay)
    assert {o["Status"] for o in client.list_phone_number_orders()["PhoneNumberOrders"]} == {"Successful"}


def test_one_detail_at_a_time(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A])
    with pytest.raises(client.exceptions.BadRequestException, match="one phone number detail at a time"):
        client.update_phone_number(PhoneNumberId=A, ProductType="SipMediaApplicationDialIn", CallingName="Rides")
    with pytest.raises(client.exceptions.BadRequestException, match="exactly one"):
        client.update_phone_number(PhoneNumberId=A)
    number = client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]
    assert number["ProductType"] == "VoiceConnector" and number["CallingNameStatus"] == "Unassigned"

    updated = client.update_phone_number(PhoneNumberId=A, ProductType="SipMediaApplicationDialIn")["PhoneNumber"]
    assert updated["ProductType"] == "SipMediaApplicationDialIn" and updated["PhoneNumberId"] == "%2B19135550101"


def test_a_calling_name_takes_up_to_72_hours_and_blocks_another_until_then(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A])
    pending = client.update_phone_number(PhoneNumberId=A, CallingName="Rides")["PhoneNumber"]
    assert (pending["CallingName"], pending["CallingNameStatus"]) == ("Rides", "UpdateInProgress")
    with pytest.raises(client.exceptions.BadRequestException, match="in progress"):
        client.update_phone_number(PhoneNumberId=A, CallingName="Rides Two")
    chime_proxy.clock.advance(timedelta(hours=72))
    done = client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]
    assert (done["CallingName"], done["CallingNameStatus"]) == ("Rides", "UpdateSucceeded")
    assert client.update_phone_number(PhoneNumberId=A, CallingName="Rides Two")["PhoneNumber"]["CallingName"] == (
        "Rides Two"
    )


def test_product_type_rules(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers(["+442071838750"])  # outside the US: a dial-in number
    with pytest.raises(client.exceptions.BadRequestException, match="outside the US"):
        client.update_phone_number(PhoneNumberId="+442071838750", ProductType="VoiceConnector")
    vc = chime_proxy.create_voice_connector([A], proxy=False)
    with pytest.raises(client.exceptions.BadRequestException, match="disassociate it"):
        client.update_phone_number(PhoneNumberId=A, ProductType="SipMediaApplicationDialIn")
    assert client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]["Associations"][0]["Value"] == vc


def test_legacy_toll_free_numbers_are_never_business_calling(chime_client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers(["+18005550100"])
    with pytest.raises(chime_client.exceptions.BadRequestException, match="toll-free"):
        chime_client.update_phone_number(PhoneNumberId="+18005550100", ProductType="BusinessCalling")


def test_batch_update_reports_each_failure_and_applies_the_rest(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A, B])
    result = client.batch_update_phone_number(
        UpdatePhoneNumberRequestItems=[
            {"PhoneNumberId": A, "CallingName": "Rides"},
            {"PhoneNumberId": "+19135550999", "CallingName": "Rides"},
            {"PhoneNumberId": B, "ProductType": "SipMediaApplicationDialIn", "CallingName": "Rides"},
        ]
    )
    errors = {e["PhoneNumberId"]: e["ErrorCode"] for e in result["PhoneNumberErrors"]}
    assert errors == {"+19135550999": "NotFound", B: "BadRequest"}
    assert client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]["CallingName"] == "Rides"
    assert client.get_phone_number(PhoneNumberId=B)["PhoneNumber"]["CallingNameStatus"] == "Unassigned"


def test_batch_update_refuses_a_number_named_twice_and_changes_nothing(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A])
    with pytest.raises(client.exceptions.BadRequestException, match="twice"):
        client.batch_update_phone_number(
            UpdatePhoneNumberRequestItems=[
                {"PhoneNumberId": A, "CallingName": "Rides"},
                {"PhoneNumberId": "%2B19135550101", "ProductType": "SipMediaApplicationDialIn"},
            ]
        )
    number = client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]
    assert number["CallingNameStatus"] == "Unassigned" and number["ProductType"] == "VoiceConnector"


def test_batch_delete_queues_the_free_numbers_and_reports_the_rest(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A, B])
    chime_proxy.create_voice_connector([C], proxy=False)
    result = client.batch_delete_phone_number(PhoneNumberIds=["%2B19135550101", B, C, "+19135550999"])
    errors = {e["PhoneNumberId"]: e["ErrorCode"] for e in result["PhoneNumberErrors"]}
    assert errors == {C: "PhoneNumberAssociationsExist", "+19135550999": "NotFound"}
    statuses = {n["E164PhoneNumber"]: n["Status"] for n in client.list_phone_numbers()["PhoneNumbers"]}
    assert statuses == {A: "DeleteInProgress", B: "DeleteInProgress", C: "Assigned"}


def test_restore_brings_a_number_out_of_the_deletion_queue(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A])
    with pytest.raises(client.exceptions.BadRequestException, match="not in the deletion queue"):
        client.restore_phone_number(PhoneNumberId=A)
    client.delete_phone_number(PhoneNumberId=A)
    chime_proxy.clock.advance(timedelta(days=6))
    restored = client.restore_phone_number(PhoneNumberId=A)["PhoneNumber"]
    assert restored["Status"] == "Unassigned" and restored["Associations"] == []
    assert restored.get("DeletionTimestamp") is None
    chime_proxy.clock.advance(timedelta(days=2))  # past the 7 days: a restored number is not dropped
    assert client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]["Status"] == "Unassigned"
    vc = _vc(client)
    assert (
        client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=[A])[
            "PhoneNumberErrors"
        ]
        == []
    )


def test_a_number_gone_from_the_queue_cannot_be_restored(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A])
    client.delete_phone_number(PhoneNumberId=A)
    chime_proxy.clock.advance(timedelta(days=7))
    with pytest.raises(client.exceptions.NotFoundException):
        client.restore_phone_number(PhoneNumberId=A)


def test_restore_counts_against_the_quota(client: Any, chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([A])
    client.delete_phone_number(PhoneNumberId=A)
    chime_proxy.order_phone_numbers([B])
    chime_proxy.backend.quotas = Quotas.of({"phone_numbers_per_account": 1})
    with pytest.raises(client.exceptions.ResourceLimitExceededException):
        client.restore_phone_number(PhoneNumberId=A)
    assert client.get_phone_number(PhoneNumberId=A)["PhoneNumber"]["Status"] == "DeleteInProgress"


def test_the_default_calling_name_changes_once_every_seven_days(client: Any, chime_proxy: Any) -> None:
    assert "CallingName" not in client.get_phone_number_settings()
    assert client.update_phone_number_settings(CallingName="Rides")["ResponseMetadata"]["HTTPStatusCode"] == 204
    settings = client.get_phone_number_settings()
    assert settings["CallingName"] == "Rides" and settings["CallingNameUpdatedTimestamp"]
    with pytest.raises(client.exceptions.BadRequestException, match="once every seven days"):
        client.update_phone_number_settings(CallingName="Other")
    assert client.get_phone_number_settings()["CallingName"] == "Rides"
    chime_proxy.clock.advance(timedelta(days=7))
    client.update_phone_number_settings(CallingName="Other")
    assert client.get_phone_number_settings()["CallingName"] == "Other"
