"""The records of the resources that route calls: SIP media applications (and their calls), SIP rules and voice
connector groups. Field names follow the service's members, as in ``model``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class SipMediaApplication:
    """A SIP media application: one Lambda endpoint in one region; its calls keyed by transaction id."""

    SipMediaApplicationId: str
    Name: str
    AwsRegion: str
    Endpoints: list[dict[str, str]]
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    account: str
    logging: dict[str, Any] = field(default_factory=dict)  # PutSipMediaApplicationLoggingConfiguration's
    tags: dict[str, str] = field(default_factory=dict)
    calls: dict[str, SipMediaApplicationCall] = field(default_factory=dict)

    @property
    def SipMediaApplicationArn(self) -> str:
        return f"arn:aws:chime:{self.AwsRegion}:{self.account}:sip-media-application/{self.SipMediaApplicationId}"


@dataclass
class SipMediaApplicationCall:
    """An outbound call placed with CreateSipMediaApplicationCall (and the arguments of its updates)."""

    TransactionId: str
    FromPhoneNumber: str
    ToPhoneNumber: str
    CreatedTimestamp: datetime
    SipHeaders: dict[str, str] = field(default_factory=dict)
    ArgumentsMap: dict[str, str] = field(default_factory=dict)
    updates: list[dict[str, str]] = field(default_factory=list)


@dataclass
class SipRule:
    """A SIP rule: a trigger (a phone number or a voice connector's host name) and its target applications."""

    SipRuleId: str
    Name: str
    TriggerType: str
    TriggerValue: str
    TargetApplications: list[dict[str, Any]]
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    Disabled: bool = False


@dataclass
class VoiceConnectorGroup:
    """A voice connector group: connectors with priorities (inbound calls fail over in priority order)."""

    VoiceConnectorGroupId: str
    Name: str
    VoiceConnectorItems: list[dict[str, Any]]
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    region: str
    account: str
    CallDistributionType: str | None = None

    @property
    def VoiceConnectorGroupArn(self) -> str:
        return f"arn:aws:chime:{self.region}:{self.account}:vcg/{self.VoiceConnectorGroupId}"
