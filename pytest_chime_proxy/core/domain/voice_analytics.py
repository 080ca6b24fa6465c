"""Calls and the voice analytics tasks run on them: speaker search and voice tone analysis.

A task's status follows from the mock's clock, its call and whether it was stopped; nothing happens until
the test moves the clock (or ends the call). The timeline, with its sources (README, Assumptions):

- a task is ``IN_QUEUE`` for ``QUEUE_TIME``, then ``IN_PROGRESS`` (StartedTimestamp);
- speaker search: after ``IDENTIFICATION_SPEECH`` of speech the matches are known, after
  ``VOICEPRINT_SPEECH`` the voice print is made and the task ``SUCCEEDED``; a call that ends between the two
  leaves it ``PARTIAL_SUCCESS``, before the first ``FAILED`` (the analysed leg is taken to speak throughout);
- voice tone analysis runs while the call lasts and ``SUCCEEDED`` when it ends (``FAILED`` if it ends
  before the task started);
- a stopped task is ``STOPPED``; results stay readable for ``RESULT_RETENTION`` after creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pytest_chime_proxy.core.domain.analytics_records import AnalysisTask, Call
from pytest_chime_proxy.core.domain.errors import Conflict, Gone, NotFound, UnprocessableEntity
from pytest_chime_proxy.core.domain.state import Scope, VoiceAnalytics

QUEUE_TIME = timedelta(seconds=1)
IDENTIFICATION_SPEECH = timedelta(seconds=10)
VOICEPRINT_SPEECH = timedelta(seconds=20)
RESULT_RETENTION = timedelta(days=7)
EMBEDDING_RETENTION = timedelta(hours=24)  # after the call ends
MATCH_SCORE = 0.95
LEGS = ("Caller", "Callee")
TERMINAL = frozenset({"SUCCEEDED", "PARTIAL_SUCCESS", "FAILED", "STOPPED"})


def analytics(scope: Scope) -> VoiceAnalytics:
    return scope.account.voice_analytics


# ---- calls --------------------------------------------------------------------------------------------------
def start_call(scope: Scope, vc_id: str, voices: dict[str, str] | None = None) -> Call:
    """A call begins on a connector (what the service announces with a TransactionId in its events)."""
    vc = scope.voice_connector(vc_id)
    transaction = scope.backend.new_uuid()
    given = voices or {}
    call = Call(
        TransactionId=transaction,
        VoiceConnectorId=vc.VoiceConnectorId,
        region=vc.AwsRegion,
        started=scope.now,
        voices={leg: given.get(leg) or f"{leg.lower()}-of-{transaction}" for leg in LEGS},
    )
    analytics(scope).calls[transaction] = call
    return call


def end_call(scope: Scope, transaction_id: str) -> Call:
    call = analytics(scope).calls.get(transaction_id)
    if call is None or call.region != scope.region:
        raise NotFound(f"Could not find a call with TransactionId '{transaction_id}'")
    if call.ended is None:
        call.ended = scope.now
    return call


def _call_for(scope: Scope, vc_id: str, transaction_id: str) -> Call:
    """The live call ``transaction_id`` on connector ``vc_id``, which must have voice analytics on."""
    vc = scope.voice_connector(vc_id)
    call = analytics(scope).calls.get(transaction_id)
    if call is None or call.VoiceConnectorId != vc.VoiceConnectorId:
        raise NotFound(f"Could not find a call with TransactionId '{transaction_id}' on VoiceConnector '{vc_id}'")
    if call.ended is not None:
        raise Gone(f"The call with TransactionId '{transaction_id}' has ended; voice analytics runs during a call")
    streaming = vc.settings.get("StreamingConfiguration")
    insights = (streaming or {}).get("MediaInsightsConfiguration") or {}
    if not streaming or streaming.get("Disabled") or insights.get("Disabled") or not insights.get("ConfigurationArn"):
        raise UnprocessableEntity(
            f"Voice analytics is not enabled on VoiceConnector '{vc_id}': call "
            "PutVoiceConnectorStreamingConfiguration with Disabled false and a MediaInsightsConfiguration "
            "naming a call analytics configuration (ConfigurationArn) that has voice analytics"
        )
    return call


# ---- what a task looks like at a time -------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskView:
    status: str
    updated: datetime
    started: datetime | None
    identified: bool = False  # speaker search: the matches are known
    voiceprint: str | None = None  # VoiceprintGenerationSuccess | VoiceprintGenerationFailure
    message: str | None = None


def view(scope: Scope, task: AnalysisTask) -> TaskView:
    """The task as it stands on the clock now."""
    now = scope.now
    call = analytics(scope).calls[task.TransactionId]
    start = task.CreatedTimestamp + QUEUE_TIME
    ends = [t for t in (call.ended, task.stopped) if t is not None and t <= now]
    end = min(ends) if ends else None
    stopped = end is not None and end == task.stopped
    if end is not None and end < start:  # over before it began
        if stopped:
            return TaskView("STOPPED", end, None)
        return TaskView("FAILED", end, None, message="The call ended before the task started")
    if now < start:
        return TaskView("IN_QUEUE", task.CreatedTimestamp, None)
    if task.kind == "VoiceToneAnalysis":
        if end is None:
            return TaskView("IN_PROGRESS", start, start)
        return TaskView("STOPPED" if stopped else "SUCCEEDED", end, start)
    done = start + VOICEPRINT_SPEECH
    identified_at = start + IDENTIFICATION_SPEECH
    if done <= now and (end is None or done <= end):
        return TaskView("SUCCEEDED", done, start, True, "VoiceprintGenerationSuccess")
    heard_until = end if end is not None else now
    identified = heard_until >= identified_at
    if end is None:
        return TaskView("IN_PROGRESS", identified_at if identified else start, start, identified)
    if stopped:
        return TaskView("STOPPED", end, start, identified, "VoiceprintGenerationFailure" if identified else None)
    if identified:
        return TaskView(
            "PARTIAL_SUCCESS",
            end,
            start,
            True,
            "VoiceprintGenerationFailure",
            f"The call ended before {VOICEPRINT_SPEECH.seconds} seconds of speech: no voice print was generated",
        )
    return TaskView(
        "FAILED", end, start, message=f"The speaker did not talk for at least {IDENTIFICATION_SPEECH.seconds} seconds"
    )


def results(scope: Scope, task: AnalysisTask) -> list[dict[str, Any]]:
    """A speaker search's matches: the domain's profiles of the analysed leg's voice that existed, unexpired,
    when identification finished (computed, never stored: reading a task changes nothing)."""
    state = analytics(scope)
    voice = state.calls[task.TransactionId].voices[task.call_leg or "Caller"]
    when = task.CreatedTimestamp + QUEUE_TIME + IDENTIFICATION_SPEECH
    return [
        {"ConfidenceScore": MATCH_SCORE, "VoiceProfileId": p.VoiceProfileId}
        for p in sorted(state.profiles.values(), key=lambda p: (p.CreatedTimestamp, p.VoiceProfileId))
        if p.VoiceProfileDomainId == task.VoiceProfileDomainId
        and p.voice == voice
        and p.CreatedTimestamp <= when < p.ExpirationTimestamp
    ]


# ---- tasks ----------------------------------------------------------------------------------------------------
def _idempotent(scope: Scope, operation: str, token: str | None, request: Any) -> str | None:
    """The id a repeated ClientRequestToken already made; the same token with another request is refused."""
    if not token:
        return None
    seen = analytics(scope).tokens.get((operation, scope.region, token))
    if seen is None:
        return None
    if seen[1] != request:
        raise Conflict(f"ClientRequestToken '{token}' was already used for a different {operation} request")
    return seen[0]


def _remember(scope: Scope, operation: str, token: str | None, request: Any, made: str) -> None:
    if token:
        analytics(scope).tokens[(operation, scope.region, token)] = (made, request)


def start_speaker_search(
    scope: Scope, vc_id: str, transaction_id: str, domain_id: str, token: str | None, leg: str | None
) -> AnalysisTask:
    request = (vc_id, transaction_id, domain_id, leg)
    again = _idempotent(scope, "StartSpeakerSearchTask", token, request)
    if again is not None:
        return analytics(scope).tasks[again]
    call = _call_for(scope, vc_id, transaction_id)
    from pytest_chime_proxy.core.domain import voice_profiles  # the two modules use each other

    voice_profiles.get_domain(scope, domain_id)
    task = AnalysisTask(
        kind="SpeakerSearch",
        task_id=scope.backend.new_uuid(),
        VoiceConnectorId=call.VoiceConnectorId,
        TransactionId=transaction_id,
        region=scope.region,
        CreatedTimestamp=scope.now,
        call_leg=leg or "Caller",
        VoiceProfileDomainId=domain_id,
    )
    analytics(scope).tasks[task.task_id] = task
    _remember(scope, "StartSpeakerSearchTask", token, request, task.task_id)
    return task


def start_voice_tone_analysis(
    scope: Scope, vc_id: str, transaction_id: str, language: str, token: str | None
) -> AnalysisTask:
    request = (vc_id, transaction_id, language)
    again = _idempotent(scope, "StartVoiceToneAnalysisTask", token, request)
    if again is not None:
        return analytics(scope).tasks[again]
    call = _call_for(scope, vc_id, transaction_id)
    task = AnalysisTask(
        kind="VoiceToneAnalysis",
        task_id=scope.backend.new_uuid(),
        VoiceConnectorId=call.VoiceConnectorId,
        TransactionId=transaction_id,
        region=scope.region,
        CreatedTimestamp=scope.now,
        LanguageCode=language,
    )
    analytics(scope).tasks[task.task_id] = task
    _remember(scope, "StartVoiceToneAnalysisTask", token, request, task.task_id)
    return task


def task(scope: Scope, kind: str, task_id: str, vc_id: str | None = None) -> AnalysisTask:
    """A task of ``kind`` this endpoint sees (on connector ``vc_id`` when given), within its retention."""
    if vc_id is not None:
        scope.voice_connector(vc_id)
    found = analytics(scope).tasks.get(task_id)
    label = "speaker search task" if kind == "SpeakerSearch" else "voice tone analysis task"
    if (
        found is None
        or found.kind != kind
        or found.region != scope.region
        or (vc_id is not None and found.VoiceConnectorId != vc_id)
        or scope.now >= found.CreatedTimestamp + RESULT_RETENTION
    ):
        where = f" on VoiceConnector '{vc_id}'" if vc_id is not None else ""
        raise NotFound(f"Could not find {label} '{task_id}'{where}")
    return found


def stop(scope: Scope, kind: str, vc_id: str, task_id: str) -> None:
    found = task(scope, kind, task_id, vc_id)
    status = view(scope, found).status
    if status in TERMINAL:
        raise Conflict(f"The task '{task_id}' has already ended ({status}); only a running task can be stopped")
    found.stopped = scope.now


def voiceprint_of(scope: Scope, task_id: str) -> tuple[AnalysisTask, str]:
    """(task, voice) of a speaker search whose voice print can still be enrolled, else the service's refusal."""
    found = task(scope, "SpeakerSearch", task_id)
    seen = view(scope, found)
    if seen.voiceprint != "VoiceprintGenerationSuccess":
        raise Conflict(
            f"Speaker search task '{task_id}' has no voice print ({seen.status}); enroll from a task that has SUCCEEDED"
        )
    call = analytics(scope).calls[found.TransactionId]
    if call.ended is not None and scope.now >= call.ended + EMBEDDING_RETENTION:
        raise Gone(
            f"The voice print of speaker search task '{task_id}' was deleted 24 hours after its call ended; "
            "run a new speaker search"
        )
    return found, call.voices[found.call_leg or "Caller"]
