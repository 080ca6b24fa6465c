"""Speaker search and voice tone analysis tasks on a voice connector's calls: Start/Get/Stop of each."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import voice_analytics
from pytest_chime_proxy.core.domain.analytics_records import AnalysisTask
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.registry import Data, operation


def _common(scope: Scope, task: AnalysisTask, is_caller: bool | None) -> Data:
    seen = voice_analytics.view(scope, task)
    return {
        "CallDetails": {
            "VoiceConnectorId": task.VoiceConnectorId,
            "TransactionId": task.TransactionId,
            "IsCaller": is_caller,
        },
        "CreatedTimestamp": task.CreatedTimestamp,
        "UpdatedTimestamp": seen.updated,
        "StartedTimestamp": seen.started,
        "StatusMessage": seen.message,
    }


def speaker_search_data(scope: Scope, task: AnalysisTask) -> Data:
    seen = voice_analytics.view(scope, task)
    details = None
    if seen.identified or seen.voiceprint:
        details = {"Results": voice_analytics.results(scope, task), "VoiceprintGenerationStatus": seen.voiceprint}
    return {
        **_common(scope, task, task.call_leg == "Caller"),
        "SpeakerSearchTaskId": task.task_id,
        "SpeakerSearchTaskStatus": seen.status,
        "SpeakerSearchDetails": details,
    }


def voice_tone_data(scope: Scope, task: AnalysisTask, is_caller: bool | None = None) -> Data:
    return {
        **_common(scope, task, is_caller),
        "VoiceToneAnalysisTaskId": task.task_id,
        "VoiceToneAnalysisTaskStatus": voice_analytics.view(scope, task).status,
    }


# ---- speaker search -------------------------------------------------------------------------------------------
@operation("StartSpeakerSearchTask")
def start_speaker_search_task(scope: Scope, p: Data) -> Data:
    task = voice_analytics.start_speaker_search(
        scope,
        p["VoiceConnectorId"],
        p["TransactionId"],
        p["VoiceProfileDomainId"],
        p.get("ClientRequestToken"),
        p.get("CallLeg"),
    )
    return {"SpeakerSearchTask": speaker_search_data(scope, task)}


@operation("GetSpeakerSearchTask")
def get_speaker_search_task(scope: Scope, p: Data) -> Data:
    task = voice_analytics.task(scope, "SpeakerSearch", p["SpeakerSearchTaskId"], p["VoiceConnectorId"])
    return {"SpeakerSearchTask": speaker_search_data(scope, task)}


@operation("StopSpeakerSearchTask")
def stop_speaker_search_task(scope: Scope, p: Data) -> None:
    voice_analytics.stop(scope, "SpeakerSearch", p["VoiceConnectorId"], p["SpeakerSearchTaskId"])


# ---- voice tone analysis --------------------------------------------------------------------------------------
@operation("StartVoiceToneAnalysisTask")
def start_voice_tone_analysis_task(scope: Scope, p: Data) -> Data:
    task = voice_analytics.start_voice_tone_analysis(
        scope, p["VoiceConnectorId"], p["TransactionId"], p["LanguageCode"], p.get("ClientRequestToken")
    )
    return {"VoiceToneAnalysisTask": voice_tone_data(scope, task)}


@operation("GetVoiceToneAnalysisTask")
def get_voice_tone_analysis_task(scope: Scope, p: Data) -> Data:
    task = voice_analytics.task(scope, "VoiceToneAnalysis", p["VoiceToneAnalysisTaskId"], p["VoiceConnectorId"])
    return {"VoiceToneAnalysisTask": voice_tone_data(scope, task, p["IsCaller"])}


@operation("StopVoiceToneAnalysisTask")
def stop_voice_tone_analysis_task(scope: Scope, p: Data) -> None:
    voice_analytics.stop(scope, "VoiceToneAnalysis", p["VoiceConnectorId"], p["VoiceToneAnalysisTaskId"])
