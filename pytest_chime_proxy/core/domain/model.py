"""The records the fake keeps of numbers, orders, voice connectors and proxy sessions. Field names follow the
service's members so reading them needs no map.

The records of the call-routing resources (``call_routing_records``) and of voice analytics
(``analytics_records``) are in their own modules: a process loads them only where it uses them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PhoneNumber:
    """A number in the account's inventory (its id is the E.164 number itself, as in Chime)."""

    E164PhoneNumber: str
    Country: str | None
    ProductType: str
    OrderId: str
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    Status: str = "Unassigned"
    Type: str = "Local"
    VoiceConnectorId: str | None = None
    AssociatedTimestamp: datetime | None = None
    DeletionTimestamp: datetime | None = None
    Name: str | None = None
    VoiceConnectorGroupId: str | None = None  # associated with a voice connector group
    SipRuleId: str | None = None  # the SIP rule it triggers (TriggerType ToPhoneNumber)
    CallingName: str | None = None
    CallingNameStatus: str = "Unassigned"
    calling_name_ready_at: datetime | None = None  # a pending calling-name update succeeds then

    @property
    def PhoneNumberId(self) -> str:
        """The id as the service writes it: the E.164 number with its ``+`` percent-encoded (``%2B12065550100``,
        the AWS CLI's documented get/list/update/restore-phone-number outputs)."""
        return "%2B" + self.E164PhoneNumber[1:]

    @property
    def association(self) -> tuple[str, str] | None:
        """(Associations Name, Value) of what the number is assigned to, if anything."""
        if self.VoiceConnectorId is not None:
            return "VoiceConnectorId", self.VoiceConnectorId
        if self.VoiceConnectorGroupId is not None:
            return "VoiceConnectorGroupId", self.VoiceConnectorGroupId
        if self.SipRuleId is not None:
            return "SipRuleId", self.SipRuleId
        return None

    @property
    def held_by(self) -> str:
        """What the number is assigned to, in words ("voice connector abc"), or "" when unassigned."""
        held = self.association
        return "" if held is None else f"{_HOLDERS[held[0]]} {held[1]}"


_HOLDERS = {
    "VoiceConnectorId": "voice connector",
    "VoiceConnectorGroupId": "voice connector group",
    "SipRuleId": "SIP rule",
}


@dataclass
class PhoneNumberOrder:
    """An order: every number ``Processing`` until ``ready_at`` on the mock's clock, then its ``outcome``."""

    PhoneNumberOrderId: str
    ProductType: str
    OrderedPhoneNumbers: list[tuple[str, str]]  # (E.164 number, Processing | Acquired | Failed)
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    Name: str | None = None
    outcome: list[tuple[str, str]] = field(default_factory=list)  # (E.164 number, Acquired | Failed)
    ready_at: datetime | None = None  # when processing ends; None once settled

    @property
    def Status(self) -> str:
        statuses = {status for _, status in self.OrderedPhoneNumbers}
        if "Processing" in statuses:
            return "Processing"
        if statuses == {"Acquired"}:
            return "Successful"
        return "Failed" if statuses == {"Failed"} else "Partial"


@dataclass
class ProxyConfig:
    """PutVoiceConnectorProxy's settings: the pool's countries, the default expiry, the switch."""

    DefaultSessionExpiryMinutes: int
    PhoneNumberCountries: list[str]
    FallBackPhoneNumber: str | None = None
    Disabled: bool = False


@dataclass
class ProxySession:
    VoiceConnectorId: str
    ProxySessionId: str
    Participants: list[tuple[str, str]]  # (participant number, proxy number)
    Capabilities: list[str]
    ExpiryMinutes: int
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    Name: str | None = None
    NumberSelectionBehavior: str | None = None
    GeoMatchLevel: str | None = None
    GeoMatchParams: dict[str, str] | None = None
    Status: str = "Open"
    EndedTimestamp: datetime | None = None
    seq: int = 0  # creation order, for stable pagination

    @property
    def proxy_number(self) -> str:
        return self.Participants[0][1]

    @property
    def live(self) -> bool:
        return self.Status != "Closed"


@dataclass
class VoiceConnector:
    VoiceConnectorId: str
    Name: str
    AwsRegion: str
    RequireEncryption: bool
    CreatedTimestamp: datetime
    UpdatedTimestamp: datetime
    account: str
    namespace: str
    IntegrationType: str | None = None
    NetworkType: str | None = None
    proxy: ProxyConfig | None = None
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # Termination, Origination, ... as put
    credentials: dict[str, str] = field(default_factory=dict)  # termination username -> salted password hash
    termination_health: tuple[datetime, str] | None = None  # (when, source IP) of the last SIP OPTIONS ping
    sessions: dict[str, ProxySession] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # TagResource / CreateVoiceConnector's Tags
    sticky: dict[frozenset[str], str] = field(default_factory=dict)  # participant pair -> last proxy number
    # indexes that keep create and list independent of how many sessions the connector holds:
    by_number: dict[str, dict[str, ProxySession]] = field(default_factory=dict)  # participant -> its sessions
    next_expiry: float = float("inf")  # no live session ends before this (epoch seconds); may be early, never late

    @property
    def OutboundHostName(self) -> str:
        return f"{self.VoiceConnectorId}.voiceconnector.chime.aws"

    @property
    def VoiceConnectorArn(self) -> str:
        return f"arn:aws:chime:{self.AwsRegion}:{self.account}:vc/{self.VoiceConnectorId}"
