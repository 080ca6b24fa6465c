"""Where the fake's state lives: one ``Backend`` per mock, one ``AccountState`` per account inside it.

Regions are isolated the way the service isolates them: a voice connector lives in its ``AwsRegion`` and a
regional ``chime-sdk-voice`` endpoint sees only the connectors of its region; the legacy ``chime``
endpoint is global and sees every connector of the account. The phone-number inventory belongs to the
account, as in Chime.
"""

from __future__ import annotations

import os
import random
import string
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_chime_proxy.core.domain.clock import Clock
from pytest_chime_proxy.core.domain.errors import NotFound
from pytest_chime_proxy.core.domain.model import PhoneNumber, PhoneNumberOrder, VoiceConnector
from pytest_chime_proxy.core.domain.quotas import Quotas

if TYPE_CHECKING:
    from pytest_chime_proxy.core.domain.analytics_records import AnalysisTask, Call, VoiceProfile, VoiceProfileDomain
    from pytest_chime_proxy.core.domain.call_routing_records import SipMediaApplication, SipRule, VoiceConnectorGroup

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass
class VoiceAnalytics:
    """One account's voice analytics state (every region's; each record says its own). Its records' classes
    are in ``analytics_records``."""

    calls: dict[str, Call] = field(default_factory=dict)
    domains: dict[str, VoiceProfileDomain] = field(default_factory=dict)
    profiles: dict[str, VoiceProfile] = field(default_factory=dict)
    tasks: dict[str, AnalysisTask] = field(default_factory=dict)
    tokens: dict[tuple[str, str, str], tuple[str, Any]] = field(default_factory=dict)
    # (operation, region, ClientRequestToken) -> (resource id, the request it was first sent with)


@dataclass
class AccountState:
    """Everything one account owns."""

    account_id: str
    phone_numbers: dict[str, PhoneNumber] = field(default_factory=dict)
    orders: dict[str, PhoneNumberOrder] = field(default_factory=dict)
    voice_connectors: dict[str, VoiceConnector] = field(default_factory=dict)
    voice_connector_groups: dict[str, VoiceConnectorGroup] = field(default_factory=dict)
    sip_media_applications: dict[str, SipMediaApplication] = field(default_factory=dict)
    sip_rules: dict[str, SipRule] = field(default_factory=dict)
    voice_analytics: VoiceAnalytics = field(default_factory=VoiceAnalytics)
    session_seq: int = 0
    calling_name: tuple[str, datetime] | None = None  # UpdatePhoneNumberSettings' default calling name, and when
    global_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # UpdateGlobalSettings: VoiceConnector ...
    next_settle: float = float("inf")  # no order completes and no deleted number goes before this (epoch s)

    def is_empty(self) -> bool:
        """Whether the account holds nothing (as a new one): a request that left it so changed nothing."""
        return self == AccountState(self.account_id)


class Backend:
    """The state of one mock: accounts, the clock, and the random source for IDs.

    ``lock`` serialises requests: the fake answers from many threads (one client per thread, or the HTTP
    server), and every operation is a read-modify-write of one account.
    """

    def __init__(self, clock: Clock, options: Mapping[str, Any]) -> None:
        """``options``: the mock's validated options (``core.options.validate``: every option, checked, with
        its default); the backend reads its own by name (``seed``, ``order_delay``, ``quotas``,
        ``legacy_cutoff``, ``on_demand_pool_size``)."""
        delay = options["order_delay"]
        self.order_delay = delay if isinstance(delay, timedelta) else timedelta(seconds=delay)
        self.quotas: Quotas | None = Quotas.of(options["quotas"])
        self.legacy_cutoff: bool = options["legacy_cutoff"]
        self.on_demand_pool_size: int = options["on_demand_pool_size"]
        self.clock = clock
        self.accounts: dict[str, AccountState] = {}
        self.lock = threading.RLock()
        seed = options["seed"]
        # unseeded: 64 random bits are enough for ids, and half the cost of seeding from 2,500 bytes of urandom
        self._rng = random.Random(int.from_bytes(os.urandom(8), "big") if seed is None else seed)

    def account(self, account_id: str) -> AccountState:
        state = self.accounts.get(account_id)
        if state is None:
            state = self.accounts[account_id] = AccountState(account_id)
        return state

    def reset(self) -> None:
        """Forget every account (the clock and its position stay)."""
        with self.lock:
            self.accounts.clear()

    def new_voice_connector_id(self) -> str:
        return "".join(self._rng.choices(string.ascii_lowercase + string.digits, k=22))

    def new_voice_connector_group_id(self) -> str:
        """21 lowercase letters and digits, as the group id on record (aws/aws-sdk-ruby#2212)."""
        return "".join(self._rng.choices(string.ascii_lowercase + string.digits, k=21))

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


class Scope(NamedTuple):
    """Who is asking, and through which endpoint: what a request may see."""

    backend: Backend
    account: AccountState
    namespace: str
    region: str

    @property
    def now(self) -> datetime:
        return self.backend.clock.now()

    def sees(self, vc: VoiceConnector) -> bool:
        """The legacy endpoint is global; a chime-sdk-voice endpoint sees its own region only."""
        return self.namespace == "chime" or vc.AwsRegion == self.region

    def voice_connector(self, voice_connector_id: str) -> VoiceConnector:
        vc = self.account.voice_connectors.get(voice_connector_id)
        if vc is None or not self.sees(vc):
            # the service's words (hashicorp/terraform-provider-aws#34218)
            raise NotFound(f"Could not find VoiceConnector with Id '{voice_connector_id}'")
        return vc
