"""Tags through boto3: voice connectors and SIP media applications carry them (chime-sdk-voice); the legacy
namespace tags meeting resources only, as its reference says."""

from __future__ import annotations

from typing import Any

import pytest

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:sma-handler"


def _vc(client: Any, **extra: Any) -> dict[str, Any]:
    return client.create_voice_connector(Name="pbx", RequireEncryption=True, **extra)["VoiceConnector"]


def test_create_tags_then_tag_untag_list(chime_sdk_voice: Any) -> None:
    vc = _vc(chime_sdk_voice, Tags=[{"Key": "team", "Value": "voice"}])
    arn = vc["VoiceConnectorArn"]
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "voice"}]
    result = chime_sdk_voice.tag_resource(
        ResourceARN=arn, Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "sip"}]
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "team", "Value": "sip"},
        {"Key": "env", "Value": "test"},
    ]
    result = chime_sdk_voice.untag_resource(ResourceARN=arn, TagKeys=["team", "never-set"])
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "test"}]


def test_sip_media_applications_carry_tags(chime_sdk_voice: Any) -> None:
    app = chime_sdk_voice.create_sip_media_application(
        AwsRegion="us-east-1", Name="app", Endpoints=[{"LambdaArn": LAMBDA}], Tags=[{"Key": "a", "Value": "b"}]
    )["SipMediaApplication"]
    arn = app["SipMediaApplicationArn"]
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "a", "Value": "b"}]
    chime_sdk_voice.delete_sip_media_application(SipMediaApplicationId=app["SipMediaApplicationId"])
    with pytest.raises(chime_sdk_voice.exceptions.NotFoundException):  # tags go with their resource
        chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)


def test_an_untagged_resource_lists_no_tags(chime_sdk_voice: Any) -> None:
    arn = _vc(chime_sdk_voice)["VoiceConnectorArn"]
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"] == []


@pytest.mark.parametrize(
    ("arn", "error"),
    [
        ("arn:aws:chime:us-east-1:123456789012:vc/abcdefghijklmnopqrstuv", "NotFoundException"),  # no such connector
        ("arn:aws:chime:us-east-1:210987654321:vc/{vc}", "NotFoundException"),  # another account's
        ("arn:aws:chime:us-west-2:123456789012:vc/{vc}", "NotFoundException"),  # another region's endpoint
        ("arn:aws:s3:::bucket", "BadRequestException"),  # not a Chime resource
        ("arn:aws:chime:us-east-1:123456789012:phone-number/+12065550100", "BadRequestException"),  # not taggable
    ],
)
def test_an_arn_that_names_nothing_taggable_is_refused(chime_sdk_voice: Any, arn: str, error: str) -> None:
    vc = _vc(chime_sdk_voice)
    arn = arn.format(vc=vc["VoiceConnectorId"])
    for call in (
        lambda: chime_sdk_voice.list_tags_for_resource(ResourceARN=arn),
        lambda: chime_sdk_voice.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "b"}]),
        lambda: chime_sdk_voice.untag_resource(ResourceARN=arn, TagKeys=["a"]),
    ):
        with pytest.raises(getattr(chime_sdk_voice.exceptions, error)):
            call()
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=vc["VoiceConnectorArn"])["Tags"] == []


def test_fifty_tags_per_resource(chime_sdk_voice: Any) -> None:
    arn = _vc(chime_sdk_voice, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(40)])["VoiceConnectorArn"]
    with pytest.raises(chime_sdk_voice.exceptions.ResourceLimitExceededException, match="at most 50"):
        chime_sdk_voice.tag_resource(ResourceARN=arn, Tags=[{"Key": f"n{i}", "Value": "v"} for i in range(11)])
    assert len(chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"]) == 40  # nothing applied
    chime_sdk_voice.tag_resource(ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "w"} for i in range(10)])  # same keys
    assert len(chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"]) == 40


def test_the_legacy_namespace_tags_meetings_only(chime_client: Any, chime_sdk_voice: Any) -> None:
    arn = _vc(chime_sdk_voice)["VoiceConnectorArn"]
    with pytest.raises(chime_client.exceptions.BadRequestException, match="meeting resources only"):
        chime_client.list_tags_for_resource(ResourceARN=arn)
    with pytest.raises(chime_client.exceptions.BadRequestException, match="meeting resources only"):
        chime_client.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "b"}])
    with pytest.raises(chime_client.exceptions.NotFoundException):
        chime_client.list_tags_for_resource(
            ResourceARN="arn:aws:chime::123456789012:meeting/0e2f1c1e-1111-4222-8333-444455556666"
        )
    assert chime_sdk_voice.list_tags_for_resource(ResourceARN=arn)["Tags"] == []


def test_the_resolver_takes_a_new_kind_with_one_line(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    from dataclasses import dataclass, field

    from pytest_chime_proxy.core.domain import tags

    @dataclass
    class Thing:
        tags: dict[str, str] = field(default_factory=dict)

    things = {"t1": Thing()}
    tags.register("test-thing", lambda scope, rid: things.get(rid))
    try:
        arn = f"arn:aws:chime:us-east-1:{chime_proxy.account}:test-thing/t1"
        chime_sdk_voice.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "b"}])
        assert things["t1"].tags == {"a": "b"}
        with pytest.raises(chime_sdk_voice.exceptions.NotFoundException):
            chime_sdk_voice.list_tags_for_resource(ResourceARN=arn.replace("t1", "t2"))
    finally:
        del tags.RESOLVERS["test-thing"]
