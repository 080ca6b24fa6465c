"""What infrastructure code reads and writes around a connector: termination health, emergency calling and
external systems configuration, global settings, the supported countries and Regions, and E911 addresses
(both namespaces where their models have the operation)."""

from __future__ import annotations

from typing import Any

import pytest

DNIS = {"EmergencyPhoneNumber": "+19135550111", "TestPhoneNumber": "+19135550112", "CallingCountry": "US"}
ADDRESS = {
    "StreetNumber": "410",
    "StreetInfo": "TERRY AVE N",
    "City": "SEATTLE",
    "State": "WA",
    "Country": "US",
    "PostalCode": "98109",
}


def _vc(client: Any) -> str:
    return client.create_voice_connector(Name="rides", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]


def test_termination_health_reports_the_last_sip_options_ping(client: Any, chime_proxy: Any) -> None:
    vc = _vc(client)
    assert client.get_voice_connector_termination_health(VoiceConnectorId=vc)["TerminationHealth"] == {}
    chime_proxy.record_sip_options_ping(vc, "198.51.100.7")
    health = client.get_voice_connector_termination_health(VoiceConnectorId=vc)["TerminationHealth"]
    assert health["Source"] == "198.51.100.7" and health["Timestamp"].year >= 2020
    with pytest.raises(ValueError, match="IP address"):
        chime_proxy.record_sip_options_ping(vc, "sbc.example.com")
    with pytest.raises(client.exceptions.NotFoundException, match="Could not find VoiceConnector"):
        client.get_voice_connector_termination_health(VoiceConnectorId="abcdef1ghij2klmno3pqr4")


def test_emergency_calling_configuration_put_get_delete(client: Any) -> None:
    vc = _vc(client)
    with pytest.raises(client.exceptions.NotFoundException, match="PutVoiceConnectorEmergencyCallingConfiguration"):
        client.get_voice_connector_emergency_calling_configuration(VoiceConnectorId=vc)
    put = client.put_voice_connector_emergency_calling_configuration(
        VoiceConnectorId=vc, EmergencyCallingConfiguration={"DNIS": [DNIS]}
    )
    assert put["EmergencyCallingConfiguration"] == {"DNIS": [DNIS]}
    got = client.get_voice_connector_emergency_calling_configuration(VoiceConnectorId=vc)
    assert got["EmergencyCallingConfiguration"] == {"DNIS": [DNIS]}
    client.delete_voice_connector_emergency_calling_configuration(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_voice_connector_emergency_calling_configuration(VoiceConnectorId=vc)


def test_emergency_calling_is_us_only_and_a_refusal_changes_nothing(client: Any) -> None:
    vc = _vc(client)
    client.put_voice_connector_emergency_calling_configuration(
        VoiceConnectorId=vc, EmergencyCallingConfiguration={"DNIS": [DNIS]}
    )
    with pytest.raises(client.exceptions.BadRequestException, match="US only"):
        client.put_voice_connector_emergency_calling_configuration(
            VoiceConnectorId=vc, EmergencyCallingConfiguration={"DNIS": [{**DNIS, "CallingCountry": "GB"}]}
        )
    got = client.get_voice_connector_emergency_calling_configuration(VoiceConnectorId=vc)
    assert got["EmergencyCallingConfiguration"] == {"DNIS": [DNIS]}


def test_external_systems_configuration_put_get_delete(chime_sdk_voice: Any) -> None:
    client = chime_sdk_voice
    vc = _vc(client)
    put = client.put_voice_connector_external_systems_configuration(
        VoiceConnectorId=vc, SessionBorderControllerTypes=["RIBBON_SBC", "RIBBON_SBC"], ContactCenterSystemTypes=[]
    )
    assert put["ExternalSystemsConfiguration"] == {
        "SessionBorderControllerTypes": ["RIBBON_SBC"],
        "ContactCenterSystemTypes": [],
    }
    got = client.get_voice_connector_external_systems_configuration(VoiceConnectorId=vc)
    assert got["ExternalSystemsConfiguration"] == put["ExternalSystemsConfiguration"]
    with pytest.raises(client.exceptions.BadRequestException, match="enum value set"):
        client.put_voice_connector_external_systems_configuration(
            VoiceConnectorId=vc, SessionBorderControllerTypes=["HOMEMADE_SBC"]
        )
    client.delete_voice_connector_external_systems_configuration(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException, match="external systems configuration"):
        client.get_voice_connector_external_systems_configuration(VoiceConnectorId=vc)


def test_global_settings_are_the_accounts(client: Any, namespace: str) -> None:
    assert client.get_global_settings()["VoiceConnector"] == {}
    assert (
        client.update_global_settings(VoiceConnector={"CdrBucket": "cdr-bucket"})["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    assert client.get_global_settings()["VoiceConnector"] == {"CdrBucket": "cdr-bucket"}


def test_a_cdr_bucket_must_be_an_s3_bucket_name(chime_sdk_voice: Any) -> None:
    """The model's S3BucketName pattern has a look-ahead (no xn-- prefix, no -s3alias suffix)."""
    for bad in ("xn--bucket", "bucket-s3alias", "Upper"):
        with pytest.raises(chime_sdk_voice.exceptions.BadRequestException, match="cdrBucket"):
            chime_sdk_voice.update_global_settings(VoiceConnector={"CdrBucket": bad})
    assert chime_sdk_voice.get_global_settings()["VoiceConnector"] == {}


def test_legacy_global_settings_keep_business_calling_apart(chime_client: Any) -> None:
    chime_client.update_global_settings(BusinessCalling={"CdrBucket": "calls"}, VoiceConnector={"CdrBucket": "vc"})
    chime_client.update_global_settings(VoiceConnector={"CdrBucket": "vc2"})
    settings = chime_client.get_global_settings()
    assert settings["BusinessCalling"] == {"CdrBucket": "calls"} and settings["VoiceConnector"] == {"CdrBucket": "vc2"}


def test_supported_countries_follow_the_product_type_rules(client: Any) -> None:
    voice = client.list_supported_phone_number_countries(ProductType="VoiceConnector")["PhoneNumberCountries"]
    assert voice == [{"CountryCode": "US", "SupportedPhoneNumberTypes": ["Local", "TollFree"]}]
    dial_in = client.list_supported_phone_number_countries(ProductType="SipMediaApplicationDialIn")
    countries = [c["CountryCode"] for c in dial_in["PhoneNumberCountries"]]
    assert countries == ["CA", "GB", "US"]


def test_available_regions_are_the_models(chime_sdk_voice: Any) -> None:
    regions = chime_sdk_voice.list_available_voice_connector_regions()["VoiceConnectorRegions"]
    model = chime_sdk_voice.meta.service_model.shape_for("VoiceConnectorAwsRegion").enum
    assert regions == model and "us-east-1" in regions
    for region in regions:  # each one is a Region a connector can be created in
        chime_sdk_voice.create_voice_connector(Name="r", RequireEncryption=True, AwsRegion=region)


def test_e911_addresses_are_validated_deterministically(client: Any, chime_proxy: Any) -> None:
    ok = client.validate_e911_address(AwsAccountId=chime_proxy.account, **ADDRESS)
    assert ok["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert ok["ValidationResult"] == 0 and ok["AddressExternalId"]
    assert ok["Address"]["postalCode"] == "98109" and ok["Address"]["state"] == "WA"
    again = client.validate_e911_address(AwsAccountId=chime_proxy.account, **ADDRESS)
    assert again["AddressExternalId"] == ok["AddressExternalId"]
    corrected = client.validate_e911_address(
        AwsAccountId=chime_proxy.account, **{**ADDRESS, "State": "wa", "PostalCode": "98109-5210"}
    )
    assert corrected["ValidationResult"] == 1 and corrected["Address"]["postalCodePlus4"] == "5210"
    failed = client.validate_e911_address(AwsAccountId=chime_proxy.account, **{**ADDRESS, "PostalCode": "9810"})
    assert failed["ValidationResult"] == 2 and "Address" not in failed
    abroad = client.validate_e911_address(AwsAccountId=chime_proxy.account, **{**ADDRESS, "Country": "GB"})
    assert abroad["ValidationResult"] == 2


def test_e911_validation_is_for_the_callers_own_account(client: Any) -> None:
    with pytest.raises(client.exceptions.ForbiddenException, match="calling account"):
        client.validate_e911_address(AwsAccountId="999999999999", **ADDRESS)
