"""What real callers send and see, as it is on record (issue 19): string scalars, the id form of phone numbers,
product types outside the US, the service's own messages, and a ``phonenumbers`` module in the caller's tree.

String scalars are sent the ways real code sends them: botocore with ``parameter_validation=False`` (its
client-side check refuses a str for a boolean before anything is sent) and raw signed HTTP, as the JS SDK and
CloudFormation-fed custom resources do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError

from tests.test_raw_http import VOICE, signed

NUMBER = "+12065550100"


def unvalidated(namespace: str = "chime-sdk-voice") -> Any:
    """A client that sends what it is given, as the JS SDK v3 and hand-built requests do."""
    return boto3.client(namespace, region_name="us-east-1", config=Config(parameter_validation=False))


# ---- 1. string booleans and numbers ------------------------------------------------------------------------------
def test_botocore_itself_refuses_a_string_boolean_before_sending(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    with pytest.raises(ParamValidationError):
        chime_sdk_voice.create_voice_connector(Name="cfn", RequireEncryption="false")
    assert len(chime_proxy.calls) == 0


def test_cloudformation_strings_are_read_as_the_service_reads_them(chime_proxy: Any) -> None:
    client = unvalidated()
    vc = client.create_voice_connector(Name="cfn", RequireEncryption="false")["VoiceConnector"]
    assert vc["RequireEncryption"] is False
    vc_id = vc["VoiceConnectorId"]
    client.put_voice_connector_logging_configuration(
        VoiceConnectorId=vc_id, LoggingConfiguration={"EnableSIPLogs": "true", "EnableMediaMetricLogs": "false"}
    )
    logging = client.get_voice_connector_logging_configuration(VoiceConnectorId=vc_id)["LoggingConfiguration"]
    assert logging == {"EnableSIPLogs": True, "EnableMediaMetricLogs": False}
    client.put_voice_connector_termination(
        VoiceConnectorId=vc_id,
        Termination={
            "CpsLimit": "1",
            "CallingRegions": ["US"],
            "CidrAllowedList": ["10.0.0.0/24"],
            "Disabled": "false",
        },
    )
    assert client.get_voice_connector_termination(VoiceConnectorId=vc_id)["Termination"]["CpsLimit"] == 1
    route = {"Host": "10.0.0.1", "Port": "5060", "Protocol": "UDP", "Priority": "1", "Weight": "1"}
    client.put_voice_connector_origination(VoiceConnectorId=vc_id, Origination={"Routes": [route], "Disabled": "false"})
    routes = client.get_voice_connector_origination(VoiceConnectorId=vc_id)["Origination"]["Routes"]
    assert routes == [{"Host": "10.0.0.1", "Port": 5060, "Protocol": "UDP", "Priority": 1, "Weight": 1}]


def test_string_scalars_over_raw_http_are_read_the_same_way(chime_proxy: Any) -> None:
    made = signed("POST", f"{VOICE}/voice-connectors", {"Name": "raw", "RequireEncryption": "true"})
    assert made.status_code == 201
    vc = made.json()["VoiceConnector"]
    assert vc["RequireEncryption"] is True
    proxy = signed(
        "PUT",
        f"{VOICE}/voice-connectors/{vc['VoiceConnectorId']}/programmable-numbers/proxy",
        {"DefaultSessionExpiryMinutes": "60", "PhoneNumberPoolCountries": ["US"], "Disabled": "false"},
    )
    assert proxy.status_code == 200 and proxy.json()["Proxy"]["DefaultSessionExpiryMinutes"] == 60


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"Name": "x", "RequireEncryption": "yes"},
            "Value 'yes' at 'requireEncryption' failed to satisfy constraint: ",
        ),
        ({"Name": "x", "RequireEncryption": "TRUE "}, "Member must be a boolean"),
        ({"Name": "x", "RequireEncryption": 1}, "Member must be a boolean"),
    ],
)
def test_other_spellings_are_refused_in_the_service_words_and_change_nothing(
    chime_proxy: Any, chime_sdk_voice: Any, body: dict[str, Any], expected: str
) -> None:
    answer = signed("POST", f"{VOICE}/voice-connectors", body)
    assert answer.status_code == 400 and answer.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert expected in answer.json()["Message"]
    assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"] == []


def test_a_string_number_keeps_its_range_check(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    vc = chime_sdk_voice.create_voice_connector(Name="cfn", RequireEncryption=True)["VoiceConnector"][
        "VoiceConnectorId"
    ]
    route = {"Host": "10.0.0.1", "Port": "70000", "Protocol": "UDP", "Priority": "1", "Weight": "1"}
    with pytest.raises(chime_sdk_voice.exceptions.BadRequestException, match="less than or equal to 65535"):
        unvalidated().put_voice_connector_origination(VoiceConnectorId=vc, Origination={"Routes": [route]})
    with pytest.raises(chime_sdk_voice.exceptions.NotFoundException):
        chime_sdk_voice.get_voice_connector_origination(VoiceConnectorId=vc)


# ---- 3. a module named phonenumbers in the caller's tree ---------------------------------------------------------
def test_a_users_phonenumbers_module_neither_breaks_the_fake_nor_is_run(tmp_path: Path) -> None:
    """AWS's own CDK custom resource for Chime numbers ships a ``phonenumbers.py`` next to its handler."""
    (tmp_path / "phonenumbers.py").write_text("raise RuntimeError('the user module was imported')\n")
    script = textwrap.dedent(
        """
        import json, sys
        import boto3
        from pytest_chime_proxy import mock_chime_proxy

        with mock_chime_proxy() as mock:
            client = boto3.client("chime-sdk-voice", region_name="us-east-1")
            found = client.search_available_phone_numbers(AreaCode="206", MaxResults=1)["E164PhoneNumbers"]
            vc = mock.create_voice_connector(["+12065550100"])
            gb = client.search_available_phone_numbers(Country="GB", PhoneNumberType="Local", MaxResults=1)
        print(json.dumps({"found": found, "vc": vc, "gb": gb["E164PhoneNumbers"],
                          "user_module_loaded": "phonenumbers" in sys.modules}))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["found"] == ["+12065550100"] and result["gb"][0].startswith("+44")
    assert result["user_module_loaded"] is False


# ---- 4. PhoneNumberId ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("given", [NUMBER, "%2B12065550100", "12065550100"])
def test_phone_number_ids_are_written_as_the_cli_documents_and_read_in_every_form(
    client: Any, chime_proxy: Any, given: str
) -> None:
    chime_proxy.order_phone_numbers([NUMBER])
    number = client.get_phone_number(PhoneNumberId=given)["PhoneNumber"]
    assert number["PhoneNumberId"] == "%2B12065550100" and number["E164PhoneNumber"] == NUMBER
    assert client.list_phone_numbers()["PhoneNumbers"][0]["PhoneNumberId"] == "%2B12065550100"
    # the id as listed, passed back (botocore sends it as %252B...), finds the same number
    assert client.get_phone_number(PhoneNumberId=number["PhoneNumberId"])["PhoneNumber"] == number


def test_a_phone_number_id_over_raw_http(chime_proxy: Any) -> None:
    chime_proxy.order_phone_numbers([NUMBER])
    for path in ("%2B12065550100", "+12065550100", "%252B12065550100"):
        answer = signed("GET", f"{VOICE}/phone-numbers/{path}")
        assert answer.status_code == 200, path
        assert answer.json()["PhoneNumber"]["PhoneNumberId"] == "%2B12065550100"


# ---- 5. product types ------------------------------------------------------------------------------------------
def test_numbers_outside_the_us_are_ordered_as_sip_media_application_dial_in(client: Any, chime_proxy: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="outside the US.*SipMediaApplicationDialIn"):
        client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=[NUMBER, "+442071838750"])
    assert client.list_phone_number_orders()["PhoneNumberOrders"] == []
    order = client.create_phone_number_order(
        ProductType="SipMediaApplicationDialIn", E164PhoneNumbers=["+442071838750"]
    )["PhoneNumberOrder"]
    assert order["ProductType"] == "SipMediaApplicationDialIn"
    chime_proxy.clock.advance(chime_proxy.backend.order_delay)
    vc = client.create_voice_connector(Name="uk", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]
    refused = client.associate_phone_numbers_with_voice_connector(
        VoiceConnectorId=vc, E164PhoneNumbers=["+442071838750"]
    )
    assert [e["ErrorCode"] for e in refused["PhoneNumberErrors"]] == ["BadRequest"]


def test_a_gb_proxy_pool_draws_on_demand_numbers(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([NUMBER], countries=["US", "GB"])
    session = client.create_proxy_session(
        VoiceConnectorId=vc,
        ParticipantPhoneNumbers=["+442079460999", "+14015550101"],
        Capabilities=["Voice"],
        GeoMatchLevel="Country",
    )["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] == "+442079460000"  # the service's, not the account's
    us = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550102", "+13125550102"], Capabilities=["Voice"]
    )["ProxySession"]
    assert us["Participants"][0]["ProxyPhoneNumber"] == NUMBER


# ---- 6. messages on record ------------------------------------------------------------------------------------------
def test_an_unknown_connector_is_answered_in_the_service_words(client: Any) -> None:
    with pytest.raises(client.exceptions.NotFoundException) as raised:
        client.get_voice_connector(VoiceConnectorId="abcdef1ghij2klmno3pqr4")
    assert raised.value.response["Error"]["Message"] == "Could not find VoiceConnector with Id 'abcdef1ghij2klmno3pqr4'"


def test_a_us_search_by_country_alone_is_answered_in_the_service_words(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException) as raised:
        client.search_available_phone_numbers(Country="US", MaxResults=1)
    assert raised.value.response["Error"]["Message"] == "Service received a bad request"
