"""The records of voice analytics: calls on voice connectors, voice profile domains and voice profiles, and
speaker search and voice tone analysis tasks. Field names follow the service's members where they are one.

The account holds them in one ``state.VoiceAnalytics`` value; this module loads with the first voice analytics
request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Call:
    """A call through a voice connector, as the service knows it by its TransactionId.

    ``voices`` names who speaks on each leg (``Caller``/``Callee``): the fake cannot hear, so a speaker
    search matches a voice profile enrolled from the same voice.
    """

    TransactionId: str
    VoiceConnectorId: str
    region: str
    started: datetime
    voices: dict[str, str]
    ended: datetime | None = None


@dataclass
class VoiceProfileDomain:
    VoiceProfileDomainId: str
    VoiceProfileDomainArn: str
    Name: str
    KmsKeyArn: str
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    region: str
    Description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)  # TagResource's, through the ARN resolver


@dataclass
class VoiceProfile:
    VoiceProfileId: str
    VoiceProfileArn: str
    VoiceProfileDomainId: str
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    ExpirationTimestamp: datetime
    region: str
    voice: str  # whose voice print it holds (see Call.voices)
    enrolled_from: str  # the speaker search task whose voice print it holds


@dataclass
class AnalysisTask:
    """A speaker search or voice tone analysis task: its request, and what was decided on the way.

    Its status is not stored: it follows from the clock, the call and ``stopped`` (see ``voice_analytics``).
    """

    kind: str  # "SpeakerSearch" | "VoiceToneAnalysis"
    task_id: str
    VoiceConnectorId: str
    TransactionId: str
    region: str
    CreatedTimestamp: datetime
    call_leg: str | None = None  # speaker search: Caller | Callee
    VoiceProfileDomainId: str | None = None  # speaker search
    LanguageCode: str | None = None  # voice tone analysis
    stopped: datetime | None = None
