"""SIP media applications and SIP rules through boto3, in both namespaces where the models have them.

The rules tested (README, "Assumptions", with sources): an application lives in its AwsRegion and its Lambda
must be in that region; a ToPhoneNumber rule takes a SipMediaApplicationDialIn number of the inventory and holds
it (Associations name the rule) until the rule is deleted; a RequestUriHostname rule takes a connector's outbound
host name; targets are existing applications, one per region; a rule is disabled before it is deleted; an
application a rule targets cannot be deleted; every refusal leaves the state as it was.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

DIAL_IN = "+12065550100"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:sma-handler"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _app(client: Any, name: str = "app", region: str = "us-east-1", **extra: Any) -> dict[str, Any]:
    arn = LAMBDA.replace("us-east-1", region)
    return client.create_sip_media_application(AwsRegion=region, Name=name, Endpoints=[{"LambdaArn": arn}], **extra)[
        "SipMediaApplication"
    ]


def _target(app: dict[str, Any], priority: int = 1) -> dict[str, Any]:
    return {"SipMediaApplicationId": app["SipMediaApplicationId"], "Priority": priority, "AwsRegion": app["AwsRegion"]}


def _rule(client: Any, app: dict[str, Any], number: str = DIAL_IN, **extra: Any) -> dict[str, Any]:
    return client.create_sip_rule(
        Name="inbound", TriggerType="ToPhoneNumber", TriggerValue=number, TargetApplications=[_target(app)], **extra
    )["SipRule"]


def _state(client: Any) -> Any:
    """Everything a refused request must leave as it was."""
    return (
        client.list_sip_media_applications()["SipMediaApplications"],
        client.list_sip_rules()["SipRules"],
        client.list_phone_numbers()["PhoneNumbers"],
    )


@pytest.fixture
def dial_in(chime_proxy: Any) -> str:
    chime_proxy.order_phone_numbers([DIAL_IN], product_type="SipMediaApplicationDialIn")
    return DIAL_IN


# ---- SIP media applications -------------------------------------------------------------------------------------
def test_create_get_list_update_delete(client: Any, chime_proxy: Any, namespace: str) -> None:
    chime_proxy.clock.set("2024-01-02T03:04:05Z")
    result = client.create_sip_media_application(AwsRegion="us-east-1", Name="app", Endpoints=[{"LambdaArn": LAMBDA}])
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    app = result["SipMediaApplication"]
    assert UUID.fullmatch(app["SipMediaApplicationId"])
    assert app["Endpoints"] == [{"LambdaArn": LAMBDA}] and app["AwsRegion"] == "us-east-1"
    if namespace == "chime-sdk-voice":  # the legacy model has no ARN member
        assert app["SipMediaApplicationArn"] == (
            f"arn:aws:chime:us-east-1:{chime_proxy.account}:sip-media-application/{app['SipMediaApplicationId']}"
        )
    app_id = app["SipMediaApplicationId"]
    assert client.get_sip_media_application(SipMediaApplicationId=app_id)["SipMediaApplication"] == app
    assert client.list_sip_media_applications()["SipMediaApplications"] == [app]
    chime_proxy.clock.advance(minutes=1)
    updated = client.update_sip_media_application(SipMediaApplicationId=app_id, Name="renamed")["SipMediaApplication"]
    assert updated["Name"] == "renamed" and updated["Endpoints"] == app["Endpoints"]
    assert updated["UpdatedTimestamp"] > app["UpdatedTimestamp"]
    assert (
        client.delete_sip_media_application(SipMediaApplicationId=app_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    )
    with pytest.raises(client.exceptions.NotFoundException, match=app_id):
        client.get_sip_media_application(SipMediaApplicationId=app_id)


def test_list_pages_in_creation_order(client: Any, chime_proxy: Any) -> None:
    ids = []
    for i in range(5):
        ids.append(_app(client, f"app{i}")["SipMediaApplicationId"])
        chime_proxy.clock.advance(seconds=1)
    seen, kwargs = [], {"MaxResults": 2}
    while True:
        page = client.list_sip_media_applications(**kwargs)
        assert len(page["SipMediaApplications"]) <= 2
        seen += [a["SipMediaApplicationId"] for a in page["SipMediaApplications"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ids


def test_a_lambda_in_another_region_is_refused_and_nothing_is_created(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="us-west-2"):
        client.create_sip_media_application(
            AwsRegion="us-east-1", Name="app", Endpoints=[{"LambdaArn": LAMBDA.replace("us-east-1", "us-west-2")}]
        )
    assert client.list_sip_media_applications()["SipMediaApplications"] == []


def test_a_regional_endpoint_sees_its_own_region_only(chime_sdk_voice: Any) -> None:
    import boto3

    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    app = _app(west, region="us-west-2")
    assert [a["SipMediaApplicationId"] for a in west.list_sip_media_applications()["SipMediaApplications"]] == [
        app["SipMediaApplicationId"]
    ]
    assert chime_sdk_voice.list_sip_media_applications()["SipMediaApplications"] == []
    with pytest.raises(chime_sdk_voice.exceptions.NotFoundException):
        chime_sdk_voice.get_sip_media_application(SipMediaApplicationId=app["SipMediaApplicationId"])


def test_logging_configuration_defaults_off_and_keeps_what_is_put(client: Any) -> None:
    app_id = _app(client)["SipMediaApplicationId"]
    got = client.get_sip_media_application_logging_configuration(SipMediaApplicationId=app_id)
    assert got["SipMediaApplicationLoggingConfiguration"] == {"EnableSipMediaApplicationMessageLogs": False}
    put = client.put_sip_media_application_logging_configuration(
        SipMediaApplicationId=app_id,
        SipMediaApplicationLoggingConfiguration={"EnableSipMediaApplicationMessageLogs": True},
    )
    assert put["SipMediaApplicationLoggingConfiguration"] == {"EnableSipMediaApplicationMessageLogs": True}
    got = client.get_sip_media_application_logging_configuration(SipMediaApplicationId=app_id)
    assert got["SipMediaApplicationLoggingConfiguration"] == {"EnableSipMediaApplicationMessageLogs": True}
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_sip_media_application_logging_configuration(SipMediaApplicationId="nope")


def test_the_alexa_skill_configuration_is_gone(chime_sdk_voice: Any) -> None:
    app_id = _app(chime_sdk_voice)["SipMediaApplicationId"]
    with pytest.raises(chime_sdk_voice.exceptions.GoneException, match="no longer available"):
        chime_sdk_voice.get_sip_media_application_alexa_skill_configuration(SipMediaApplicationId=app_id)
    with pytest.raises(chime_sdk_voice.exceptions.GoneException):
        chime_sdk_voice.put_sip_media_application_alexa_skill_configuration(
            SipMediaApplicationId=app_id,
            SipMediaApplicationAlexaSkillConfiguration={
                "AlexaSkillStatus": "ACTIVE",
                "AlexaSkillIds": ["amzn1.application-oa2-client." + "a" * 32],
            },
        )


# ---- calls ------------------------------------------------------------------------------------------------------
def test_a_call_from_an_owned_dial_in_number_gets_a_transaction_that_updates(client: Any, dial_in: str) -> None:
    app_id = _app(client)["SipMediaApplicationId"]
    kwargs: dict[str, Any] = {"SipHeaders": {"User-to-User": "x"}}
    if "ArgumentsMap" in client.meta.service_model.operation_model("CreateSipMediaApplicationCall").input_shape.members:
        kwargs["ArgumentsMap"] = {"FirstName": "Jane"}
    result = client.create_sip_media_application_call(
        SipMediaApplicationId=app_id, FromPhoneNumber=dial_in, ToPhoneNumber="+14015550101", **kwargs
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    transaction = result["SipMediaApplicationCall"]["TransactionId"]
    assert UUID.fullmatch(transaction)
    updated = client.update_sip_media_application_call(
        SipMediaApplicationId=app_id, TransactionId=transaction, Arguments={"action": "hangup"}
    )
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert updated["SipMediaApplicationCall"] == {"TransactionId": transaction}
    with pytest.raises(client.exceptions.NotFoundException, match="TransactionId"):
        client.update_sip_media_application_call(
            SipMediaApplicationId=app_id, TransactionId="0" * 8 + "-0000-4000-8000-" + "0" * 12, Arguments={}
        )


@pytest.mark.parametrize(
    ("number", "product_type", "words"),
    [
        ("+12065550111", None, "not in the account's phone number inventory"),
        ("+12065550112", "VoiceConnector", "product type VoiceConnector"),
    ],
)
def test_a_call_from_a_number_the_account_cannot_use_is_refused(
    client: Any, chime_proxy: Any, number: str, product_type: str | None, words: str
) -> None:
    if product_type:
        chime_proxy.order_phone_numbers([number], product_type=product_type)
    app_id = _app(client)["SipMediaApplicationId"]
    with pytest.raises(client.exceptions.BadRequestException, match=words):
        client.create_sip_media_application_call(
            SipMediaApplicationId=app_id, FromPhoneNumber=number, ToPhoneNumber="+14015550101"
        )


def test_a_call_on_an_unknown_application_is_a_bad_request(client: Any, dial_in: str) -> None:
    # CreateSipMediaApplicationCall's models declare no NotFoundException
    with pytest.raises(client.exceptions.BadRequestException, match="SipMediaApplication"):
        client.create_sip_media_application_call(
            SipMediaApplicationId="nope", FromPhoneNumber=dial_in, ToPhoneNumber="+14015550101"
        )


def test_call_arguments_past_the_models_twenty_are_refused(chime_sdk_voice: Any, dial_in: str) -> None:
    app_id = _app(chime_sdk_voice)["SipMediaApplicationId"]
    with pytest.raises(chime_sdk_voice.exceptions.BadRequestException, match="argumentsMap.*less than or equal to 20"):
        chime_sdk_voice.create_sip_media_application_call(
            SipMediaApplicationId=app_id,
            FromPhoneNumber=dial_in,
            ToPhoneNumber="+14015550101",
            ArgumentsMap={f"k{i}": "v" for i in range(21)},
        )


# ---- SIP rules ----------------------------------------------------------------------------------------------------
def test_a_phone_number_rule_holds_its_number_until_deleted(client: Any, chime_proxy: Any, dial_in: str) -> None:
    chime_proxy.clock.set("2024-01-02T03:04:05Z")
    app = _app(client)
    result = client.create_sip_rule(
        Name="inbound", TriggerType="ToPhoneNumber", TriggerValue=dial_in, TargetApplications=[_target(app)]
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    rule = result["SipRule"]
    assert UUID.fullmatch(rule["SipRuleId"]) and rule["Disabled"] is False
    assert rule["TargetApplications"] == [_target(app)]
    number = client.get_phone_number(PhoneNumberId=dial_in)["PhoneNumber"]
    assert number["Status"] == "Assigned"
    assert [(a["Name"], a["Value"]) for a in number["Associations"]] == [("SipRuleId", rule["SipRuleId"])]
    assert client.get_sip_rule(SipRuleId=rule["SipRuleId"])["SipRule"] == rule
    with pytest.raises(client.exceptions.BadRequestException, match="delete the SIP rule"):
        client.delete_phone_number(PhoneNumberId=dial_in)
    disabled = client.update_sip_rule(SipRuleId=rule["SipRuleId"], Name="inbound", Disabled=True)
    assert disabled["ResponseMetadata"]["HTTPStatusCode"] == 202 and disabled["SipRule"]["Disabled"] is True
    assert client.delete_sip_rule(SipRuleId=rule["SipRuleId"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    number = client.get_phone_number(PhoneNumberId=dial_in)["PhoneNumber"]
    assert number["Status"] == "Unassigned" and number["Associations"] == []
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_sip_rule(SipRuleId=rule["SipRuleId"])


def test_an_enabled_rule_cannot_be_deleted(client: Any, dial_in: str) -> None:
    rule = _rule(client, _app(client))
    before = _state(client)
    with pytest.raises(client.exceptions.ConflictException, match="disable it"):
        client.delete_sip_rule(SipRuleId=rule["SipRuleId"])
    assert _state(client) == before


def test_an_application_a_rule_targets_cannot_be_deleted(client: Any, dial_in: str) -> None:
    app = _app(client)
    rule = _rule(client, app)
    before = _state(client)
    with pytest.raises(client.exceptions.ConflictException, match=rule["SipRuleId"]):
        client.delete_sip_media_application(SipMediaApplicationId=app["SipMediaApplicationId"])
    assert _state(client) == before
    client.update_sip_rule(SipRuleId=rule["SipRuleId"], Name="inbound", Disabled=True)
    client.delete_sip_rule(SipRuleId=rule["SipRuleId"])
    client.delete_sip_media_application(SipMediaApplicationId=app["SipMediaApplicationId"])


@pytest.mark.parametrize(
    ("number", "product_type", "error", "words"),
    [
        ("+12065550121", None, "BadRequestException", "not in the account's phone number inventory"),
        ("+12065550122", "VoiceConnector", "BadRequestException", "SipMediaApplicationDialIn"),
    ],
)
def test_a_rule_on_a_number_the_account_cannot_use_is_refused(
    client: Any, chime_proxy: Any, number: str, product_type: str | None, error: str, words: str
) -> None:
    if product_type:
        chime_proxy.order_phone_numbers([number], product_type=product_type)
    app = _app(client)
    before = _state(client)
    with pytest.raises(getattr(client.exceptions, error), match=words):
        _rule(client, app, number)
    assert _state(client) == before


def test_one_number_triggers_one_rule(client: Any, dial_in: str) -> None:
    app = _app(client)
    first = _rule(client, app)
    before = _state(client)
    with pytest.raises(client.exceptions.ConflictException, match=first["SipRuleId"]):
        _rule(client, app)
    assert _state(client) == before


def test_a_host_name_rule_points_at_a_connector_which_then_cannot_be_deleted(client: Any) -> None:
    vc = client.create_voice_connector(Name="pbx", RequireEncryption=True)["VoiceConnector"]
    app = _app(client)
    rule = client.create_sip_rule(
        Name="from pbx",
        TriggerType="RequestUriHostname",
        TriggerValue=vc["OutboundHostName"],
        TargetApplications=[_target(app)],
    )["SipRule"]
    assert rule["TriggerValue"] == vc["OutboundHostName"]
    with pytest.raises(client.exceptions.ConflictException, match=rule["SipRuleId"]):
        client.delete_voice_connector(VoiceConnectorId=vc["VoiceConnectorId"])
    assert client.get_voice_connector(VoiceConnectorId=vc["VoiceConnectorId"])["VoiceConnector"] == vc
    with pytest.raises(client.exceptions.BadRequestException, match="outbound host name"):
        client.create_sip_rule(
            Name="nowhere",
            TriggerType="RequestUriHostname",
            TriggerValue="nothing.voiceconnector.chime.aws",
            TargetApplications=[_target(app)],
        )


def test_targets_are_existing_applications_one_per_region(client: Any, dial_in: str) -> None:
    import boto3

    east = _app(client, "east")
    west_client = boto3.client(client.meta.service_model.service_name, region_name="us-west-2")
    west = _app(west_client, "west", region="us-west-2")
    other_east = _app(client, "east2")
    rule = client.create_sip_rule(
        Name="failover",
        TriggerType="ToPhoneNumber",
        TriggerValue=dial_in,
        TargetApplications=[_target(east, 1), _target(west, 2)],
    )["SipRule"]
    assert [t["AwsRegion"] for t in rule["TargetApplications"]] == ["us-east-1", "us-west-2"]
    before = _state(client)
    with pytest.raises(client.exceptions.BadRequestException, match="different AWS Region"):
        client.update_sip_rule(
            SipRuleId=rule["SipRuleId"], Name="failover", TargetApplications=[_target(east, 1), _target(other_east, 2)]
        )
    with pytest.raises(client.exceptions.BadRequestException, match="is in us-east-1, not us-west-2"):
        client.update_sip_rule(
            SipRuleId=rule["SipRuleId"],
            Name="failover",
            TargetApplications=[{**_target(east), "AwsRegion": "us-west-2"}],
        )
    with pytest.raises(client.exceptions.NotFoundException, match="nope"):  # UpdateSipRule models NotFound
        client.update_sip_rule(
            SipRuleId=rule["SipRuleId"],
            Name="failover",
            TargetApplications=[{"SipMediaApplicationId": "nope", "Priority": 1, "AwsRegion": "us-east-1"}],
        )
    assert _state(client) == before


def test_a_target_without_a_region_takes_its_applications(client: Any, dial_in: str) -> None:
    app = _app(client)
    rule = client.create_sip_rule(
        Name="inbound",
        TriggerType="ToPhoneNumber",
        TriggerValue=dial_in,
        TargetApplications=[{"SipMediaApplicationId": app["SipMediaApplicationId"], "Priority": 1}],
    )["SipRule"]
    assert rule["TargetApplications"] == [_target(app)]


def test_list_filters_by_application_and_pages(client: Any, chime_proxy: Any) -> None:
    numbers = [f"+1206555013{i}" for i in range(4)]
    chime_proxy.order_phone_numbers(numbers, product_type="SipMediaApplicationDialIn")
    first, second = _app(client, "first"), _app(client, "second")
    ids = []
    for i, number in enumerate(numbers):
        ids.append(_rule(client, first if i % 2 == 0 else second, number)["SipRuleId"])
        chime_proxy.clock.advance(seconds=1)
    listed = client.list_sip_rules(SipMediaApplicationId=first["SipMediaApplicationId"])["SipRules"]
    assert [r["SipRuleId"] for r in listed] == ids[::2]
    seen, kwargs = [], {"MaxResults": 3}
    while True:
        page = client.list_sip_rules(**kwargs)
        seen += [r["SipRuleId"] for r in page["SipRules"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ids


@pytest.mark.chime_proxy(quotas={"sip_media_applications_per_region": 1, "sip_rules_per_account": 0})
def test_quotas_cap_applications_and_rules_when_set(client: Any, dial_in: str) -> None:
    app = _app(client)
    with pytest.raises(client.exceptions.ResourceLimitExceededException, match="quota of 1"):
        _app(client, "second")
    with pytest.raises(client.exceptions.ResourceLimitExceededException, match="quota of 0"):
        _rule(client, app)
    assert [a["Name"] for a in client.list_sip_media_applications()["SipMediaApplications"]] == ["app"]
