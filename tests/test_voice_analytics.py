"""Voice profile domains, voice profiles, speaker search and voice tone analysis through boto3, on the mock's
clock: every status a task passes through, the retention rules, and refusals that change nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest

from pytest_chime_proxy import ChimeProxyMock

KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
INSIGHTS = "arn:aws:chime:us-east-1:123456789012:media-insights-pipeline-configuration/voice-analytics"


def enable_voice_analytics(client: Any, vc: str) -> None:
    """What the developer guide requires first: streaming on, with a call analytics configuration."""
    client.put_voice_connector_streaming_configuration(
        VoiceConnectorId=vc,
        StreamingConfiguration={
            "DataRetentionInHours": 1,
            "Disabled": False,
            "MediaInsightsConfiguration": {"Disabled": False, "ConfigurationArn": INSIGHTS},
        },
    )


@pytest.fixture(autouse=True)
def pinned(chime_proxy: ChimeProxyMock) -> None:
    """The clock stands still unless a test moves it, so durations are exact."""
    chime_proxy.clock.set("2026-03-02T09:00:00Z")


@pytest.fixture
def vc(chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, voice_connector: str) -> str:
    enable_voice_analytics(chime_sdk_voice, voice_connector)
    return voice_connector


@pytest.fixture
def domain(chime_sdk_voice: Any) -> str:
    made = chime_sdk_voice.create_voice_profile_domain(
        Name="callers", ServerSideEncryptionConfiguration={"KmsKeyArn": KMS}
    )
    return str(made["VoiceProfileDomain"]["VoiceProfileDomainId"])


@pytest.fixture
def unchanged(chime_proxy: ChimeProxyMock) -> Callable[[Callable[[], Any], type[Exception]], Any]:
    """Run a call that must be refused with ``error``; assert the account's state is as it was."""

    def check(call: Callable[[], Any], error: type[Exception]) -> Any:
        before = copy.deepcopy(chime_proxy.backend.accounts)
        with pytest.raises(error) as raised:
            call()
        assert chime_proxy.backend.accounts == before
        return raised.value

    return check


def search(client: Any, vc: str, transaction: str, domain: str, **extra: Any) -> dict[str, Any]:
    return dict(
        client.start_speaker_search_task(
            VoiceConnectorId=vc, TransactionId=transaction, VoiceProfileDomainId=domain, **extra
        )["SpeakerSearchTask"]
    )


def get_search(client: Any, vc: str, task: dict[str, Any]) -> dict[str, Any]:
    return dict(
        client.get_speaker_search_task(VoiceConnectorId=vc, SpeakerSearchTaskId=task["SpeakerSearchTaskId"])[
            "SpeakerSearchTask"
        ]
    )


def enrolled(chime_proxy: ChimeProxyMock, client: Any, vc: str, domain: str, voice: str) -> dict[str, Any]:
    """A voice profile of ``voice``: a call, a speaker search to its voice print, CreateVoiceProfile."""
    call = chime_proxy.start_call(vc, caller_voice=voice)
    task = search(client, vc, call, domain)
    chime_proxy.clock.advance(seconds=21)
    return dict(client.create_voice_profile(SpeakerSearchTaskId=task["SpeakerSearchTaskId"])["VoiceProfile"])


# ---- voice profile domains ------------------------------------------------------------------------------------
def test_a_domain_is_created_read_listed_updated_and_deleted(chime_proxy: ChimeProxyMock, chime_sdk_voice: Any) -> None:
    client = chime_sdk_voice
    created = client.create_voice_profile_domain(
        Name="callers",
        Description="enrolled callers",
        ServerSideEncryptionConfiguration={"KmsKeyArn": KMS},
        Tags=[{"Key": "team", "Value": "support"}],
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    domain = created["VoiceProfileDomain"]
    domain_id = domain["VoiceProfileDomainId"]
    assert domain["VoiceProfileDomainArn"] == f"arn:aws:chime:us-east-1:123456789012:voice-profile-domain/{domain_id}"
    assert domain["ServerSideEncryptionConfiguration"] == {"KmsKeyArn": KMS}
    assert client.get_voice_profile_domain(VoiceProfileDomainId=domain_id)["VoiceProfileDomain"] == domain
    chime_proxy.clock.advance(seconds=1)  # listed in creation order
    second = client.create_voice_profile_domain(Name="agents", ServerSideEncryptionConfiguration={"KmsKeyArn": KMS})
    page = client.list_voice_profile_domains(MaxResults=1)
    assert [d["VoiceProfileDomainId"] for d in page["VoiceProfileDomains"]] == [domain_id]
    assert "ServerSideEncryptionConfiguration" not in page["VoiceProfileDomains"][0]  # a summary
    rest = client.list_voice_profile_domains(MaxResults=1, NextToken=page["NextToken"])
    assert [d["Name"] for d in rest["VoiceProfileDomains"]] == ["agents"] and "NextToken" not in rest

    chime_proxy.clock.advance(minutes=5)
    updated = client.update_voice_profile_domain(VoiceProfileDomainId=domain_id, Description="all callers")
    assert updated["VoiceProfileDomain"]["Name"] == "callers"
    assert updated["VoiceProfileDomain"]["Description"] == "all callers"
    assert updated["VoiceProfileDomain"]["UpdatedTimestamp"] - domain["UpdatedTimestamp"] >= timedelta(minutes=5)

    assert (
        client.delete_voice_profile_domain(VoiceProfileDomainId=domain_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    )
    with pytest.raises(client.exceptions.NotFoundException, match=domain_id):
        client.get_voice_profile_domain(VoiceProfileDomainId=domain_id)
    listed = client.list_voice_profile_domains()["VoiceProfileDomains"]
    assert [d["VoiceProfileDomainId"] for d in listed] == [second["VoiceProfileDomain"]["VoiceProfileDomainId"]]


def test_a_client_request_token_makes_create_idempotent(chime_sdk_voice: Any, unchanged: Any) -> None:
    client = chime_sdk_voice
    ask = {"Name": "callers", "ServerSideEncryptionConfiguration": {"KmsKeyArn": KMS}, "ClientRequestToken": "tok-1"}
    first = client.create_voice_profile_domain(**ask)["VoiceProfileDomain"]
    again = client.create_voice_profile_domain(**ask)["VoiceProfileDomain"]
    assert again == first
    unchanged(
        lambda: client.create_voice_profile_domain(**{**ask, "Name": "other"}), client.exceptions.ConflictException
    )
    assert len(client.list_voice_profile_domains()["VoiceProfileDomains"]) == 1


def test_domains_live_in_their_region(chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, domain: str) -> None:
    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    assert west.list_voice_profile_domains()["VoiceProfileDomains"] == []
    with pytest.raises(west.exceptions.NotFoundException):
        west.get_voice_profile_domain(VoiceProfileDomainId=domain)


def test_a_domain_is_found_by_its_arn(chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, domain: str) -> None:
    from pytest_chime_proxy.core.domain import voice_profiles

    arn = chime_sdk_voice.get_voice_profile_domain(VoiceProfileDomainId=domain)["VoiceProfileDomain"][
        "VoiceProfileDomainArn"
    ]
    scope = chime_proxy._scope(None, None)
    found = voice_profiles.find_by_arn(scope, arn)
    assert found is not None and found.VoiceProfileDomainId == domain
    assert voice_profiles.find_by_arn(scope, arn + "x") is None
    assert voice_profiles.find_by_arn(chime_proxy._scope("us-west-2", None), arn) is None


def test_a_bad_domain_request_is_refused_and_changes_nothing(chime_sdk_voice: Any, unchanged: Any) -> None:
    client = chime_sdk_voice
    error = unchanged(
        lambda: client.create_voice_profile_domain(Name="//", ServerSideEncryptionConfiguration={"KmsKeyArn": KMS}),
        client.exceptions.BadRequestException,
    )
    assert "at 'name' failed to satisfy constraint" in str(error)
    unchanged(
        lambda: client.create_voice_profile_domain(Name="n", ServerSideEncryptionConfiguration={"KmsKeyArn": "kms-1"}),
        client.exceptions.BadRequestException,
    )


# ---- speaker search ---------------------------------------------------------------------------------------------
def test_a_speaker_search_goes_through_its_statuses_on_the_clock(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str
) -> None:
    client = chime_sdk_voice
    call = chime_proxy.start_call(vc)
    started = client.start_speaker_search_task(VoiceConnectorId=vc, TransactionId=call, VoiceProfileDomainId=domain)
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
    task = started["SpeakerSearchTask"]
    assert task["SpeakerSearchTaskStatus"] == "IN_QUEUE"
    assert task["CallDetails"] == {"VoiceConnectorId": vc, "TransactionId": call, "IsCaller": True}
    assert "StartedTimestamp" not in task and "SpeakerSearchDetails" not in task

    chime_proxy.clock.advance(seconds=1)
    running = get_search(client, vc, task)
    assert running["SpeakerSearchTaskStatus"] == "IN_PROGRESS"
    assert running["StartedTimestamp"] - task["CreatedTimestamp"] == timedelta(seconds=1)
    assert "SpeakerSearchDetails" not in running

    chime_proxy.clock.advance(seconds=10)  # ten seconds of speech: identification is done
    identified = get_search(client, vc, task)
    assert identified["SpeakerSearchTaskStatus"] == "IN_PROGRESS"
    assert identified["SpeakerSearchDetails"] == {"Results": []}  # a caller nobody enrolled

    chime_proxy.clock.advance(seconds=10)  # twenty seconds: the voice print is made
    done = get_search(client, vc, task)
    assert done["SpeakerSearchTaskStatus"] == "SUCCEEDED"
    assert done["SpeakerSearchDetails"] == {"Results": [], "VoiceprintGenerationStatus": "VoiceprintGenerationSuccess"}
    assert done["UpdatedTimestamp"] - done["StartedTimestamp"] == timedelta(seconds=20)


def test_an_enrolled_voice_is_found_by_a_later_search(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str
) -> None:
    client = chime_sdk_voice
    alice = enrolled(chime_proxy, client, vc, domain, "alice")
    assert alice["VoiceProfileDomainId"] == domain
    assert alice["VoiceProfileArn"].endswith(f":voice-profile/{alice['VoiceProfileId']}")

    again = search(client, vc, chime_proxy.start_call(vc, caller_voice="alice"), domain)
    stranger = search(client, vc, chime_proxy.start_call(vc, caller_voice="bob"), domain)
    callee = search(client, vc, chime_proxy.start_call(vc, callee_voice="alice"), domain, CallLeg="Callee")
    chime_proxy.clock.advance(seconds=11)
    match = get_search(client, vc, again)["SpeakerSearchDetails"]["Results"]
    assert match == [{"ConfidenceScore": 0.95, "VoiceProfileId": alice["VoiceProfileId"]}]
    assert get_search(client, vc, stranger)["SpeakerSearchDetails"]["Results"] == []
    found = get_search(client, vc, callee)
    assert found["CallDetails"]["IsCaller"] is False
    assert found["SpeakerSearchDetails"]["Results"][0]["VoiceProfileId"] == alice["VoiceProfileId"]


def test_a_call_that_ends_early_fails_or_half_succeeds(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    short, medium = chime_proxy.start_call(vc), chime_proxy.start_call(vc)
    short_task, medium_task = search(client, vc, short, domain), search(client, vc, medium, domain)
    chime_proxy.clock.advance(seconds=6)
    chime_proxy.end_call(short)  # five seconds of speech
    chime_proxy.clock.advance(seconds=9)
    chime_proxy.end_call(medium)  # fourteen seconds
    chime_proxy.clock.advance(minutes=1)
    failed = get_search(client, vc, short_task)
    assert failed["SpeakerSearchTaskStatus"] == "FAILED" and "10 seconds" in failed["StatusMessage"]
    partial = get_search(client, vc, medium_task)
    assert partial["SpeakerSearchTaskStatus"] == "PARTIAL_SUCCESS"
    assert partial["SpeakerSearchDetails"] == {
        "Results": [],
        "VoiceprintGenerationStatus": "VoiceprintGenerationFailure",
    }
    unchanged(
        lambda: client.create_voice_profile(SpeakerSearchTaskId=medium_task["SpeakerSearchTaskId"]),
        client.exceptions.ConflictException,
    )


def test_a_stopped_search_is_stopped_once(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    task = search(client, vc, chime_proxy.start_call(vc), domain)
    chime_proxy.clock.advance(seconds=5)
    stopped = client.stop_speaker_search_task(VoiceConnectorId=vc, SpeakerSearchTaskId=task["SpeakerSearchTaskId"])
    assert stopped["ResponseMetadata"]["HTTPStatusCode"] == 204
    chime_proxy.clock.advance(minutes=1)
    seen = get_search(client, vc, task)
    assert seen["SpeakerSearchTaskStatus"] == "STOPPED"
    assert seen["UpdatedTimestamp"] - seen["CreatedTimestamp"] == timedelta(seconds=5)
    unchanged(
        lambda: client.stop_speaker_search_task(VoiceConnectorId=vc, SpeakerSearchTaskId=task["SpeakerSearchTaskId"]),
        client.exceptions.ConflictException,
    )


def test_a_voice_print_can_be_enrolled_for_24_hours_after_the_call(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    call = chime_proxy.start_call(vc)
    task = search(client, vc, call, domain)
    chime_proxy.clock.advance(seconds=30)
    chime_proxy.end_call(call)
    chime_proxy.clock.advance(hours=24)
    unchanged(
        lambda: client.create_voice_profile(SpeakerSearchTaskId=task["SpeakerSearchTaskId"]),
        client.exceptions.GoneException,
    )
    chime_proxy.clock.advance(days=7)  # results are kept for 7 days
    with pytest.raises(client.exceptions.NotFoundException):
        get_search(client, vc, task)


def test_a_task_needs_a_live_call_with_voice_analytics_on(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, voice_connector: str, domain: str, unchanged: Any
) -> None:
    client, vc = chime_sdk_voice, voice_connector
    call = chime_proxy.start_call(vc)
    error = unchanged(lambda: search(client, vc, call, domain), client.exceptions.UnprocessableEntityException)
    assert "PutVoiceConnectorStreamingConfiguration" in str(error)
    enable_voice_analytics(client, vc)
    unchanged(lambda: search(client, vc, "no-such-call", domain), client.exceptions.NotFoundException)
    unchanged(lambda: search(client, vc, call, "no-such-domain"), client.exceptions.NotFoundException)
    unchanged(lambda: search(client, "abcdef1ghij2klmno3pqr4", call, domain), client.exceptions.NotFoundException)
    unchanged(lambda: search(client, vc, call, domain, CallLeg="Agent"), client.exceptions.BadRequestException)
    chime_proxy.end_call(call)
    unchanged(lambda: search(client, vc, call, domain), client.exceptions.GoneException)
    with pytest.raises(ValueError, match="start_call"):
        chime_proxy.start_call("abcdef1ghij2klmno3pqr4")


def test_a_repeated_start_with_its_token_is_the_same_task(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    call = chime_proxy.start_call(vc)
    first = search(client, vc, call, domain, ClientRequestToken="search-1")
    assert search(client, vc, call, domain, ClientRequestToken="search-1") == first
    unchanged(
        lambda: search(client, vc, call, domain, ClientRequestToken="search-1", CallLeg="Callee"),
        client.exceptions.ConflictException,
    )


# ---- voice profiles -----------------------------------------------------------------------------------------------
def test_a_profile_expires_after_three_years_unless_re_enrolled(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str
) -> None:
    client = chime_sdk_voice
    profile = enrolled(chime_proxy, client, vc, domain, "carol")
    created = profile["CreatedTimestamp"]
    assert profile["ExpirationTimestamp"] == created.replace(year=created.year + 3)
    assert client.get_voice_profile(VoiceProfileId=profile["VoiceProfileId"])["VoiceProfile"] == profile
    assert client.list_voice_profiles(VoiceProfileDomainId=domain)["VoiceProfiles"] == [profile]

    chime_proxy.clock.advance(days=3 * 366)  # expired: the voice print is gone, the profile is listed still
    stale = search(client, vc, chime_proxy.start_call(vc, caller_voice="carol"), domain)
    chime_proxy.clock.advance(seconds=21)
    assert get_search(client, vc, stale)["SpeakerSearchDetails"]["Results"] == []
    renewed = client.update_voice_profile(
        VoiceProfileId=profile["VoiceProfileId"], SpeakerSearchTaskId=stale["SpeakerSearchTaskId"]
    )["VoiceProfile"]
    assert renewed["ExpirationTimestamp"] > chime_proxy.clock.now() + timedelta(days=3 * 365 - 1)
    assert renewed["CreatedTimestamp"] == created

    found = search(client, vc, chime_proxy.start_call(vc, caller_voice="carol"), domain)
    chime_proxy.clock.advance(seconds=11)
    assert (
        get_search(client, vc, found)["SpeakerSearchDetails"]["Results"][0]["VoiceProfileId"]
        == (profile["VoiceProfileId"])
    )


def test_a_profile_is_re_enrolled_only_from_its_own_domain(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    profile = enrolled(chime_proxy, client, vc, domain, "dave")
    other = client.create_voice_profile_domain(Name="other", ServerSideEncryptionConfiguration={"KmsKeyArn": KMS})
    elsewhere = search(client, vc, chime_proxy.start_call(vc), other["VoiceProfileDomain"]["VoiceProfileDomainId"])
    chime_proxy.clock.advance(seconds=21)
    error = unchanged(
        lambda: client.update_voice_profile(
            VoiceProfileId=profile["VoiceProfileId"], SpeakerSearchTaskId=elsewhere["SpeakerSearchTaskId"]
        ),
        client.exceptions.BadRequestException,
    )
    assert domain in str(error)


def test_deleting_profiles_and_domains(chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, domain: str) -> None:
    client = chime_sdk_voice
    first = enrolled(chime_proxy, client, vc, domain, "erin")
    second = enrolled(chime_proxy, client, vc, domain, "frank")
    client.delete_voice_profile(VoiceProfileId=first["VoiceProfileId"])
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_voice_profile(VoiceProfileId=first["VoiceProfileId"])
    assert [p["VoiceProfileId"] for p in client.list_voice_profiles(VoiceProfileDomainId=domain)["VoiceProfiles"]] == [
        second["VoiceProfileId"]
    ]
    client.delete_voice_profile_domain(VoiceProfileDomainId=domain)  # its profiles go with it
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_voice_profile(VoiceProfileId=second["VoiceProfileId"])
    with pytest.raises(client.exceptions.NotFoundException):
        client.list_voice_profiles(VoiceProfileDomainId=domain)


# ---- voice tone analysis ----------------------------------------------------------------------------------------
def test_a_voice_tone_analysis_runs_while_the_call_lasts(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    call = chime_proxy.start_call(vc)
    started = client.start_voice_tone_analysis_task(VoiceConnectorId=vc, TransactionId=call, LanguageCode="en-US")
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
    task_id = started["VoiceToneAnalysisTask"]["VoiceToneAnalysisTaskId"]
    assert started["VoiceToneAnalysisTask"]["VoiceToneAnalysisTaskStatus"] == "IN_QUEUE"

    def get(is_caller: bool = True) -> dict[str, Any]:
        return dict(
            client.get_voice_tone_analysis_task(
                VoiceConnectorId=vc, VoiceToneAnalysisTaskId=task_id, IsCaller=is_caller
            )["VoiceToneAnalysisTask"]
        )

    chime_proxy.clock.advance(seconds=1)
    assert get()["VoiceToneAnalysisTaskStatus"] == "IN_PROGRESS"
    assert get(False)["CallDetails"] == {"VoiceConnectorId": vc, "TransactionId": call, "IsCaller": False}
    chime_proxy.clock.advance(minutes=3)
    chime_proxy.end_call(call)
    done = get()
    assert done["VoiceToneAnalysisTaskStatus"] == "SUCCEEDED"
    assert done["UpdatedTimestamp"] - done["StartedTimestamp"] == timedelta(minutes=3)
    unchanged(
        lambda: client.stop_voice_tone_analysis_task(VoiceConnectorId=vc, VoiceToneAnalysisTaskId=task_id),
        client.exceptions.ConflictException,
    )


def test_a_voice_tone_analysis_stops_or_fails(
    chime_proxy: ChimeProxyMock, chime_sdk_voice: Any, vc: str, unchanged: Any
) -> None:
    client = chime_sdk_voice
    calls = chime_proxy.start_call(vc), chime_proxy.start_call(vc)
    tasks = [
        client.start_voice_tone_analysis_task(VoiceConnectorId=vc, TransactionId=c, LanguageCode="en-US")[
            "VoiceToneAnalysisTask"
        ]["VoiceToneAnalysisTaskId"]
        for c in calls
    ]
    chime_proxy.end_call(calls[1])  # before the task left the queue
    chime_proxy.clock.advance(seconds=30)
    client.stop_voice_tone_analysis_task(VoiceConnectorId=vc, VoiceToneAnalysisTaskId=tasks[0])
    statuses = [
        client.get_voice_tone_analysis_task(VoiceConnectorId=vc, VoiceToneAnalysisTaskId=t, IsCaller=True)[
            "VoiceToneAnalysisTask"
        ]["VoiceToneAnalysisTaskStatus"]
        for t in tasks
    ]
    assert statuses == ["STOPPED", "FAILED"]
    unchanged(
        lambda: client.start_voice_tone_analysis_task(
            VoiceConnectorId=vc, TransactionId=calls[0], LanguageCode="fr-FR"
        ),
        client.exceptions.BadRequestException,
    )
    with pytest.raises(client.exceptions.NotFoundException):  # a task id of the other kind
        client.get_speaker_search_task(VoiceConnectorId=vc, SpeakerSearchTaskId=tasks[0])


# ---- server mode: a test in another language starts and ends calls through the control API ------------------
def test_the_control_api_starts_and_ends_calls(chime_proxy_server: Any) -> None:
    import json
    import urllib.error
    import urllib.request

    def control(method: str, payload: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{chime_proxy_server.url}/_chime_proxy/phone-calls",
            data=json.dumps(payload).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    client = chime_proxy_server.client()
    vc = client.create_voice_connector(Name="calls", RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]
    enable_voice_analytics(client, vc)
    status, answer = control("POST", {"voice_connector_id": vc, "caller_voice": "alice"})
    assert status == 201
    transaction = answer["transaction_id"]
    task = client.start_voice_tone_analysis_task(VoiceConnectorId=vc, TransactionId=transaction, LanguageCode="en-US")
    assert control("DELETE", {"transaction_id": transaction}) == (200, {"ended": True})
    got = client.get_voice_tone_analysis_task(
        VoiceConnectorId=vc,
        VoiceToneAnalysisTaskId=task["VoiceToneAnalysisTask"]["VoiceToneAnalysisTaskId"],
        IsCaller=True,
    )
    assert got["VoiceToneAnalysisTask"]["VoiceToneAnalysisTaskStatus"] == "FAILED"  # it ended while queued
    status, answer = control("POST", {"voice_connector_id": "Not An Id"})
    assert status == 400 and "voice_connector_id" in answer["Message"]
    status, answer = control("POST", {"voice_connector_id": "abcdef1ghij2klmno3pqr4"})
    assert status == 400 and "abcdef1ghij2klmno3pqr4" in answer["Message"]
    status, answer = control("DELETE", {"transaction_id": "nope"})
    assert status == 400 and "nope" in answer["Message"]
    status, answer = control("POST", {"voice_connector_id": vc, "caller_voice": 5})
    assert status == 400 and "caller_voice" in answer["Message"]
