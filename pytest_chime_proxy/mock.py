"""``ChimeProxyMock``: one fake Chime, active as a context manager, a decorator, or start()/stop().

The mock owns its state (``backend``), its ``clock`` and its ``calls``; nothing is shared between two
mocks. While active, the innermost mock answers every Chime request botocore sends, in both namespaces.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from pytest_chime_proxy.core import pipeline
from pytest_chime_proxy.core.calls import CallLog
from pytest_chime_proxy.core.compat import Unpack
from pytest_chime_proxy.core.domain import connector_settings, geo, proxy_sessions, voice_connectors
from pytest_chime_proxy.core.domain import phone_numbers as inventory
from pytest_chime_proxy.core.domain.clock import Clock
from pytest_chime_proxy.core.domain.errors import ServiceError
from pytest_chime_proxy.core.domain.model import ProxySession
from pytest_chime_proxy.core.domain.state import Backend, Scope
from pytest_chime_proxy.core.fake import FakeChime
from pytest_chime_proxy.core.options import MockOptions, OptionsError, validate
from pytest_chime_proxy.core.wire import validation
from pytest_chime_proxy.core.wire.protocol import WireRequest, WireResponse
from pytest_chime_proxy.core.wire.routing import Endpoint
from pytest_chime_proxy.decorate import decorate
from pytest_chime_proxy.patching import lifecycle, sleep
from pytest_chime_proxy.patching.environment import FakeEnvironment

if TYPE_CHECKING:
    from pytest_chime_proxy.core.faults import FaultOptions, FaultRule, Faults

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
DEFAULT_PHONE_NUMBERS = ("+19135550199", "+19135550198", "+12065550177")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


class ChimeProxyMock:
    """A fake Amazon Chime proxy-session service.

    Options (keyword arguments, declared once in ``core.options.MockOptions``): ``region``, ``account``,
    ``seed``, ``clock``, ``real_sleep``, ``virtual_sleep``, ``faults``, ``assert_all_faults_hit``,
    ``order_delay``, ``quotas``, ``legacy_cutoff``, ``on_demand_pool_size``. A wrong option raises
    ``OptionsError`` before anything is built.
    """

    def __init__(self, **options: Unpack[MockOptions]) -> None:
        values = validate(options)
        self.options: MockOptions = options
        """The options as given (``{}`` by default): what a decorator makes each test's mock from. The
        options in force, defaults and ini included, are ``settings``."""
        self.fake = FakeChime(values)
        self.fake.owner = self
        self.assert_all_faults_hit: bool = values["assert_all_faults_hit"]
        for fault in values["faults"]:
            self._inject_spec(fault)
        self._env = FakeEnvironment(self.region)
        self._undo: ExitStack | None = None
        self.decorated_test: Any = None  # set by the pytest plugin: that decorated test shares this mock
        self.started_at: str | None = None  # file:line (function) of the code that started it, for messages

    # ---- what the fake owns ------------------------------------------------------------------------------
    @property
    def settings(self) -> MockOptions:
        """Every option in force (the given ones, the ini's and the defaults), typed."""
        return cast(MockOptions, dict(self.fake.settings))

    @property
    def region(self) -> str:
        """Where the helpers put things, and the default region of clients made under the mock."""
        return self.fake.region

    @property
    def account(self) -> str:
        """The account of requests whose access key id is not a 12-digit account id."""
        return self.fake.default_account

    @property
    def clock(self) -> Clock:
        """The fake's clock (move it with ``advance`` / ``set``)."""
        return self.fake.clock

    @property
    def backend(self) -> Backend:
        """The fake's state (accounts, their numbers, connectors and sessions)."""
        return self.fake.backend

    @property
    def calls(self) -> CallLog:
        """Every request the fake saw, in order (secrets redacted)."""
        return self.fake.calls

    @property
    def faults(self) -> Faults:
        """The fault rules (``inject`` adds one)."""
        return self.fake.faults

    @property
    def real_sleep(self) -> bool:
        return self.fake.real_sleep

    @property
    def virtual_sleep(self) -> bool:
        return self.fake.virtual_sleep

    @overload
    def sleeps_virtually(self) -> AbstractContextManager[None]: ...
    @overload
    def sleeps_virtually(self, target: F) -> F: ...
    @overload
    def sleeps_virtually(self, target: Coroutine[Any, Any, T]) -> Coroutine[Any, Any, T]: ...
    def sleeps_virtually(self, target: Any = None) -> Any:
        """Opt a thread or task into the test's flow, whose ``time.sleep``/``asyncio.sleep`` are virtual.

        With ``virtual_sleep=True`` only the test's own flow sleeps virtually (the thread and task that
        started the mock, see ``patching.sleep``); a thread or task you start joins it through this:
        ``Thread(target=mock.sleeps_virtually(worker))``, ``asyncio.create_task(mock.sleeps_virtually(poll()))``,
        ``asyncio.to_thread(mock.sleeps_virtually(fn))``, or ``with mock.sleeps_virtually():`` inside it.
        """
        return sleep.sleeps_virtually(self.fake, target)

    # ---- activation ----------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Whether the mock is answering."""
        return self._undo is not None

    def start(self) -> ChimeProxyMock:
        """Start answering Chime requests (and set fake credentials). Idempotent.

        Everything is entered through one ``ExitStack`` (``lifecycle.enter``): if any step fails, what was
        already done is undone before the error propagates.
        """
        if self._undo is None:
            self.started_at = _caller()
            self._undo = lifecycle.enter(self.fake, self._env)
        return self

    def stop(self) -> None:
        """Stop answering and restore the environment (in the reverse order of ``start``). Idempotent."""
        undo, self._undo = self._undo, None
        if undo is not None:
            undo.close()

    def __enter__(self) -> ChimeProxyMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self.assert_all_faults_hit and exc[0] is None:
            self._assert_faults_hit()

    def __call__(self, target: F) -> F:
        """Decorate a function (sync or async) or a class: each call runs under a fresh mock like this one."""
        options = self.options
        return decorate(target, lambda: ChimeProxyMock(**options), bool(options))  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Forget all state, recorded calls and fault rules (the clock keeps its time)."""
        self.fake.reset()

    # ---- faults ------------------------------------------------------------------------------------------
    def _assert_faults_hit(self) -> None:
        """``faults.assert_all_hit()`` where there are rules: a mock given none loads no fault machinery."""
        if self.fake.rules is not None:
            self.fake.rules.assert_all_hit()

    def inject(self, operation: str, **options: Unpack[FaultOptions]) -> FaultRule:
        """Make the fake fail on matching requests as the service would; returns the rule (it counts hits).

        ``operation``: an operation name or ``"*"``. ``error``: a modeled exception name
        (``"ThrottledClientException"``...), sent with its real status, header and body. ``times`` (default
        1: the first matching request only; None: every one) and ``after`` make "let 1 through, fail twice,
        then succeed"; ``probability`` with ``seed``
        gives reproducible chaos; ``latency`` (seconds or timedelta) delays the answer on the mock's clock
        (the wall clock with ``real_sleep``), and a latency reaching the client's read timeout becomes a
        read timeout; ``connection_error`` (``read_timeout``, ``connect_timeout``, ``connection_closed``,
        ``endpoint_unreachable``) raises botocore's own exception at the HTTP layer; ``match`` is a mapping
        of input member -> value, or a callable on the parameters; ``namespace``/``region`` narrow further.
        See ``core.faults`` for how several rules combine.
        """
        return self.faults.add(operation, **options)

    def _inject_spec(self, spec: Mapping[str, Any]) -> FaultRule:
        options = dict(spec)
        if "operation" not in options:
            raise ValueError(
                f"a fault given as options needs 'operation' (and error=/connection_error=/latency=), got {spec!r}"
            )
        return self.inject(options.pop("operation"), **options)

    def dispatch(self, request: WireRequest, endpoint: Endpoint | None = None) -> WireResponse | None:
        """Answer one raw request through the request pipeline, as an adapter would (None: not for Chime)."""
        call = pipeline.handle(self.fake, request, endpoint)
        return None if call is None else call.response

    # ---- helpers: the same domain code the API runs --------------------------------------------------------
    def _scope(self, region: str | None, account: str | None, namespace: str = "chime-sdk-voice") -> Scope:
        backend = self.backend
        return Scope(backend, backend.account(account or self.account), namespace, region or self.region)

    def order_phone_numbers(
        self, numbers: Sequence[str], *, account: str | None = None, product_type: str | None = None
    ) -> list[str]:
        """Put numbers in the account's inventory, as CreatePhoneNumberOrder does; returns the acquired ones.

        Without ``product_type`` each number gets the one a real account must use: ``VoiceConnector`` in the
        US, ``SipMediaApplicationDialIn`` outside it (CreatePhoneNumberOrder's reference). The input is checked
        as the API checks it (plus: numbers are E.164 strings with their ``+``) before anything changes; a bad
        one raises ``ValueError`` saying what to pass.
        """
        where = "order_phone_numbers"
        numbers = check_phone_numbers(where, numbers)
        groups: dict[str, list[str]] = {}
        for number in numbers:
            kind = product_type or ("VoiceConnector" if geo.country(number) == "US" else inventory.DIAL_IN)
            groups.setdefault(kind, []).append(number)
        for kind, group in groups.items():
            _check_input(where, "CreatePhoneNumberOrder", {"ProductType": kind, "E164PhoneNumbers": group})
            try:
                for number in group:
                    inventory.check_product_type(geo.e164(number), kind)
            except ServiceError as error:
                raise ValueError(f"{where}: {error}") from None
        acquired: list[str] = []
        with self.backend.lock:
            for kind, group in groups.items():
                order = inventory.order(self._scope(None, account), group, kind)
                acquired += [n for n, status in order.OrderedPhoneNumbers if status == "Acquired"]
        return acquired

    def create_voice_connector(
        self,
        phone_numbers: Sequence[str] = DEFAULT_PHONE_NUMBERS,
        *,
        name: str = "pytest-chime-proxy",
        region: str | None = None,
        account: str | None = None,
        countries: Sequence[str] | None = None,
        default_session_expiry_minutes: int = 60,
        proxy: bool = True,
        require_encryption: bool = True,
    ) -> str:
        """A voice connector ready for proxy sessions; returns its id.

        The numbers are ordered (when not already owned) and associated, and the proxy is configured with
        their countries (or ``countries``) and ``default_session_expiry_minutes`` -- the calls a real account
        makes, through the same domain code the API runs. ``proxy=False`` leaves the proxy unconfigured.
        Every argument is checked first, with the API's own validators: a bad one raises ``ValueError``
        and leaves nothing behind.
        """
        where = "create_voice_connector"
        numbers = check_phone_numbers(where, phone_numbers)
        abroad = [n for n in numbers if geo.country(n) != "US"]
        if abroad:
            raise ValueError(
                f"{where}: {abroad[0]} is outside the US: such numbers are ordered as SipMediaApplicationDialIn "
                "numbers (CreatePhoneNumberOrder's reference) and cannot be associated with a voice connector. "
                "For proxy numbers in another country, pass countries=[...] (for example ['US', 'GB']): the "
                "connector is given the service's on-demand numbers there"
            )
        if region is not None:
            validate({"region": region}, where)
        if countries is not None and (isinstance(countries, (str, bytes)) or not isinstance(countries, Sequence)):
            raise ValueError(f"{where}: countries must be a list of ISO country codes like ['US'], got {countries!r}")
        pool_countries = (
            list(countries) if countries is not None else sorted({geo.country(n) or "US" for n in numbers} or {"US"})
        )
        _check_input(
            where,
            "CreateVoiceConnector",
            {"Name": name, "RequireEncryption": require_encryption, "AwsRegion": region or self.region},
        )
        _check_input(
            where,
            "AssociatePhoneNumbersWithVoiceConnector",
            {"VoiceConnectorId": "abcdef1ghij2klmno3pqr4", "E164PhoneNumbers": numbers},
        )
        if proxy:
            _check_input(
                where,
                "PutVoiceConnectorProxy",
                {
                    "VoiceConnectorId": "abcdef1ghij2klmno3pqr4",
                    "PhoneNumberPoolCountries": pool_countries,
                    "DefaultSessionExpiryMinutes": default_session_expiry_minutes,
                },
            )
        with self.backend.lock:
            scope = self._scope(region, account)
            owned = scope.account.phone_numbers
            to_order = [n for n in numbers if geo.e164(n) not in owned]
            vc = voice_connectors.create(scope, name, require_encryption, scope.region)
            try:
                if to_order:
                    self.order_phone_numbers(to_order, account=account)
                errors = inventory.associate(scope, vc.VoiceConnectorId, numbers)
                if errors:
                    raise ValueError(f"{where}: could not associate {errors[0][0]}: {errors[0][2]}")
                if proxy:
                    voice_connectors.put_proxy(
                        scope, vc.VoiceConnectorId, default_session_expiry_minutes, pool_countries
                    )
            except (ValueError, ServiceError) as error:  # leave no half-built connector behind
                inventory.disassociate(scope, vc.VoiceConnectorId, numbers)
                voice_connectors.delete(scope, vc.VoiceConnectorId)
                for number in to_order:
                    scope.account.phone_numbers.pop(geo.e164(number), None)
                if isinstance(error, ServiceError):
                    raise ValueError(f"{where}: {error}") from None
                raise
        return vc.VoiceConnectorId

    def simulate_activity(
        self, voice_connector_id: str, proxy_session_id: str, *, region: str | None = None, account: str | None = None
    ) -> ProxySession:
        """Tell the fake a call or message flows through a session: Open becomes InProgress."""
        with self.backend.lock:
            return proxy_sessions.mark_in_progress(
                self._scope(region, account, "chime"), voice_connector_id, proxy_session_id
            )

    def start_call(
        self,
        voice_connector_id: str,
        *,
        caller_voice: str | None = None,
        callee_voice: str | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> str:
        """A call begins on a voice connector; returns its TransactionId (what the service's streaming events
        carry), for StartSpeakerSearchTask and StartVoiceToneAnalysisTask.

        ``caller_voice``/``callee_voice`` name who speaks on each leg: a speaker search matches the voice
        profiles enrolled from the same voice (by default each call's voices are new ones).
        """
        from pytest_chime_proxy.core.domain import voice_analytics  # not on a proxy session's path

        voices = {leg: voice for leg, voice in (("Caller", caller_voice), ("Callee", callee_voice)) if voice}
        with self.backend.lock:
            try:
                call = voice_analytics.start_call(self._scope(region, account), voice_connector_id, voices)
            except ServiceError as error:
                raise ValueError(f"start_call: {error}") from None
        return call.TransactionId

    def end_call(self, transaction_id: str, *, region: str | None = None, account: str | None = None) -> None:
        """The call hangs up: running analysis tasks end as the service ends them (see the README)."""
        from pytest_chime_proxy.core.domain import voice_analytics

        with self.backend.lock:
            try:
                voice_analytics.end_call(self._scope(region, account), transaction_id)
            except ServiceError as error:
                raise ValueError(f"end_call: {error}") from None

    def record_sip_options_ping(
        self, voice_connector_id: str, source: str, *, region: str | None = None, account: str | None = None
    ) -> None:
        """Tell the fake a SIP OPTIONS ping from ``source`` (your SBC's IP address) reached the connector now, as
        GetVoiceConnectorTerminationHealth then reports (no SIP infrastructure pings a fake)."""
        try:
            with self.backend.lock:
                connector_settings.record_ping(self._scope(region, account, "chime"), voice_connector_id, source)
        except ServiceError as error:
            raise ValueError(f"record_sip_options_ping: {error}") from None

    def __repr__(self) -> str:
        return (
            f"<ChimeProxyMock {'active' if self.active else 'inactive'} account={self.account} "
            f"region={self.region} calls={len(self.calls)}>"
        )


_OWN = os.path.dirname(__file__)
_PLUMBING = (_OWN, os.path.dirname(os.__file__) + os.sep + "contextlib.py")


def _caller() -> str:
    """Where the user's code started a mock: the first frame outside this package and ``contextlib``."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PLUMBING):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "an unknown place"
    return f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})"


def check_phone_numbers(where: str, numbers: Any) -> list[str]:
    """``numbers`` as a list of E.164 strings, or a ``ValueError`` (prefixed ``where: ``) saying what to pass."""
    prefix = f"{where}: " if where else ""
    if isinstance(numbers, (str, bytes)) or not isinstance(numbers, Iterable):
        raise ValueError(f"{prefix}phone_numbers go in a list, like ['+19135550199']; got {numbers!r}")
    checked: list[str] = []
    for index, number in enumerate(numbers, 1):
        if not isinstance(number, str) or not _E164.fullmatch(number):
            raise ValueError(
                f"{prefix}phone_numbers item {index}, {number!r}, is not an E.164 phone number; "
                "write it as a string with its + and country code and digits only, like '+19135550199'"
            )
        checked.append(number)
    return checked


# API member (lowerCamel, as the API's messages name it) -> the helpers' argument name
_HELPER_NAMES = {
    "name": "name",
    "requireEncryption": "require_encryption",
    "awsRegion": "region",
    "e164PhoneNumbers": "phone_numbers",
    "phoneNumberPoolCountries": "countries",
    "defaultSessionExpiryMinutes": "default_session_expiry_minutes",
    "productType": "product_type",
}


def _check_input(where: str, operation: str, params: dict[str, Any]) -> None:
    """Check a helper's input with the API's validator for ``operation`` (chime-sdk-voice's model), in the
    API's words but naming the helper's arguments."""
    try:
        validation.check_as("chime-sdk-voice", operation, params, _HELPER_NAMES)
    except validation.InvalidInput as error:
        raise ValueError(f"{where}: {error}") from None


@overload
def mock_chime_proxy(target: F) -> F: ...
@overload
def mock_chime_proxy(**options: Unpack[MockOptions]) -> ChimeProxyMock: ...
def mock_chime_proxy(target: Any = None, **options: Any) -> Any:
    """``@mock_chime_proxy``, ``@mock_chime_proxy(region=...)`` or ``with mock_chime_proxy() as chime:``.

    The options are ``ChimeProxyMock``'s (``options.MockOptions``); they are checked here, at decoration.
    """
    if target is not None:
        if not callable(target):
            raise OptionsError(
                f"mock_chime_proxy takes keyword options only; got {target!r} as a positional "
                "argument (write mock_chime_proxy(region=...))"
            )
        return decorate(target, lambda: ChimeProxyMock())
    return ChimeProxyMock(**options)
