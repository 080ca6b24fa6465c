"""``ChimeProxyMock``: one fake Chime, active as a context manager, a decorator, or start()/stop().

The mock owns its state (``backend``), its ``clock`` and its ``calls``; nothing is shared between two
mocks. While active, the innermost mock answers every Chime request botocore sends, in both namespaces.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar, overload

from typing_extensions import Unpack

from pytest_chime_proxy.core.calls import Call, CallLog, redact, redact_params, retry_header
from pytest_chime_proxy.core.domain import geo, proxy_sessions, voice_connectors
from pytest_chime_proxy.core.domain import phone_numbers as inventory
from pytest_chime_proxy.core.domain.clock import Clock
from pytest_chime_proxy.core.domain.errors import Injected, ServiceError
from pytest_chime_proxy.core.domain.model import ProxySession
from pytest_chime_proxy.core.domain.state import Backend, Scope
from pytest_chime_proxy.core.fake import FakeChime, Routed
from pytest_chime_proxy.core.faults import ConnectionFault, Decision, FaultOptions, FaultRule, Faults, Target
from pytest_chime_proxy.core.options import MockOptions, OptionsError, validate
from pytest_chime_proxy.core.wire import protocol, validation
from pytest_chime_proxy.core.wire.protocol import ParsedRequest, WireRequest, WireResponse
from pytest_chime_proxy.core.wire.routing import Endpoint
from pytest_chime_proxy.patching import active, backoff, lifecycle
from pytest_chime_proxy.patching.environment import FakeEnvironment

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_PHONE_NUMBERS = ("+19135550199", "+19135550198", "+12065550177")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_NO_DECISION = Decision()  # what the rules decide when none fires (frozen, so one instance serves all)


class ChimeProxyMock:
    """A fake Amazon Chime proxy-session service.

    Options (keyword arguments, see ``options.MockOptions``): ``region``, ``account``, ``seed``, ``clock``,
    ``real_sleep``, ``virtual_sleep``, ``faults``, ``assert_all_faults_hit``, ``order_delay``, ``quotas``,
    ``legacy_cutoff``, ``on_demand_pool_size``. A wrong option raises ``OptionsError`` before anything is
    built.
    """

    def __init__(self, **options: Unpack[MockOptions]) -> None:
        values = validate(options)
        if values["real_sleep"] and values["virtual_sleep"]:
            raise OptionsError("ChimeProxyMock: real_sleep and virtual_sleep cannot both be True")
        self.options: MockOptions = options  # as given: a decorator makes each test's mock from them
        self.region: str = values["region"]
        self.account: str = values["account"]
        self.clock: Clock = values["clock"] or Clock()
        try:
            self.backend = Backend(
                self.clock,
                values["seed"],
                order_delay=values["order_delay"],
                quotas=values["quotas"],
                legacy_cutoff=values["legacy_cutoff"],
                on_demand_pool_size=values["on_demand_pool_size"],
            )
        except ValueError as error:  # a quota name the backend does not know, say
            raise OptionsError(f"ChimeProxyMock: {error}") from None
        self.fake = FakeChime(self.backend, self.account)
        self.calls = CallLog()
        self.faults = Faults()
        self.real_sleep: bool = values["real_sleep"]
        self.virtual_sleep: bool = values["virtual_sleep"]
        self.assert_all_faults_hit: bool = values["assert_all_faults_hit"]
        for fault in values["faults"]:
            self._inject_spec(fault)
        self._env = FakeEnvironment(self.region)
        self._undo: ExitStack | None = None
        self.decorated_test: Any = None  # set by the pytest plugin: that decorated test shares this mock

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
            self._undo = lifecycle.enter(self, self._env)
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
            self.faults.assert_all_hit()

    def __call__(self, target: F) -> F:
        """Decorate a function (sync or async) or a class: each call runs under a fresh mock like this one."""
        options = self.options
        return _decorate(target, lambda: ChimeProxyMock(**options), bool(options))  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Forget all state, recorded calls and fault rules (the clock keeps its time)."""
        self.backend.reset()
        self.calls.clear()
        self.faults.clear()

    # ---- faults ------------------------------------------------------------------------------------------
    def inject(self, operation: str, **options: Unpack[FaultOptions]) -> FaultRule:
        """Make the fake fail on matching requests as the service would; returns the rule (it counts hits).

        ``operation``: an operation name or ``"*"``. ``error``: a modeled exception name
        (``"ThrottledClientException"``...), sent with its real status, header and body. ``times`` (None:
        always) and ``after`` make "let 1 through, fail twice, then succeed"; ``probability`` with ``seed``
        gives reproducible chaos; ``latency`` (seconds or timedelta) delays the answer on the mock's clock
        (the wall clock with ``real_sleep``), and a latency reaching the client's read timeout becomes a
        read timeout; ``connection_error`` (``read_timeout``, ``connect_timeout``, ``connection_closed``,
        ``endpoint_unreachable``) raises botocore's own exception at the HTTP layer; ``match`` is a mapping
        of input member -> value, or a callable on the parameters; ``namespace``/``region`` narrow further.
        See ``faults`` for how several rules combine.
        """
        return self.faults.add(operation, **options)

    def _inject_spec(self, spec: Mapping[str, Any]) -> FaultRule:
        options = dict(spec)
        if "operation" not in options:
            raise ValueError(
                f"a fault given as options needs 'operation' (and error=/connection_error=/latency=), got {spec!r}"
            )
        return self.inject(options.pop("operation"), **options)

    # ---- the request path (used by every adapter) -------------------------------------------------------
    def dispatch(
        self, request: WireRequest, endpoint: Endpoint | None = None, *, read_timeout: float | None = None
    ) -> WireResponse | None:
        """Answer a request if it is for Chime; None lets it go to the network.

        ``endpoint`` says which namespace and region answer when the host cannot (the HTTP server).
        Fault rules run after routing; an injected connection error is raised as ``faults.ConnectionFault``
        for the adapter to turn into its transport's own error. ``read_timeout`` (seconds) is the client's,
        so that injected latency reaching it times out as it would. Every request is recorded in ``calls``.
        """
        routed = self.fake.route(request, endpoint)
        return None if routed is None else self.answer(routed, read_timeout=read_timeout)

    def answer(self, routed: Routed, *, read_timeout: float | None = None) -> WireResponse:
        """Answer a routed request: the fault rules first, then the service; recorded in ``calls``."""
        waited = backoff.take_pending()
        decision = _NO_DECISION
        response: WireResponse | None = None
        if self.faults and routed.parsed is not None:  # no rule, nothing to decide
            parsed = routed.parsed
            decision = self.faults.decide(
                Target(
                    routed.endpoint.namespace,
                    routed.endpoint.region,
                    routed.account,
                    parsed.operation.name,
                    parsed.params,
                    parsed.operation.errors,
                )
            )
            try:
                response = self._apply(decision, parsed, read_timeout)
            except ConnectionFault as fault:
                self._record(routed, None, fault.botocore_name, waited, decision, decision.rule or decision.fired[0])
                raise
        if response is None:
            response = self.fake.execute(routed)
        self._record(routed, response, response.headers.get("x-amzn-ErrorType"), waited, decision, decision.rule)
        return response

    def _apply(self, decision: Decision, parsed: ParsedRequest, read_timeout: float | None) -> WireResponse | None:
        """Carry out what the fault rules decided: wait, break the connection, or answer an error."""
        if read_timeout is not None and decision.fired and decision.latency >= read_timeout:
            self._wait(read_timeout)
            raise ConnectionFault("read_timeout")  # the client gave up before the slow answer came
        self._wait(decision.latency)
        rule = decision.rule
        if rule is None:
            return None
        if rule.connection_error is not None:
            raise ConnectionFault(rule.connection_error)
        assert rule.error is not None
        error = Injected(rule.error, f"{parsed.operation.name} failed: {rule.error} (injected)")
        error.fallback = rule.error  # type: ignore[misc]  # send exactly the error asked for
        return protocol.failure(error, parsed.operation)

    def _wait(self, seconds: float) -> None:
        """Injected latency: on the mock's clock, or the wall clock with ``real_sleep``."""
        if seconds > 0:
            if self.real_sleep:
                time.sleep(seconds)
            else:
                self.clock.advance(seconds=seconds)

    def _record(
        self,
        routed: Routed,
        response: WireResponse | None,
        error_code: str | None,
        waited: float,
        decision: Decision,
        rule: FaultRule | None,
    ) -> None:
        attempt, most = retry_header(routed.request.headers)
        request = redact(routed.request)  # the same body object back when it names no secret member
        params = routed.params if request.body is routed.request.body else redact_params(routed.params)
        self.calls.append(
            Call(
                request=request,
                endpoint=routed.endpoint,
                account=routed.account,
                operation=routed.operation,
                params=params,
                response=response,
                status=response.status if response is not None else None,
                error_code=error_code,
                attempt=attempt,
                max_attempts=most,
                backoff=waited,
                latency=decision.latency,
                fault=rule,
                time=self.clock.now(),
            )
        )

    # ---- helpers: the same domain code the API runs --------------------------------------------------------
    def _scope(self, region: str | None, account: str | None, namespace: str = "chime-sdk-voice") -> Scope:
        backend = self.backend
        return Scope(backend, backend.account(account or self.account), namespace, region or self.region)

    def order_phone_numbers(
        self, numbers: Sequence[str], *, account: str | None = None, product_type: str = "VoiceConnector"
    ) -> list[str]:
        """Put numbers in the account's inventory, as CreatePhoneNumberOrder does; returns the acquired ones.

        The input is checked as the API checks it (plus: numbers are E.164 strings with their ``+``) before
        anything changes; a bad one raises ``ValueError`` saying what to pass.
        """
        numbers = check_phone_numbers("order_phone_numbers", numbers)
        _check_input(
            "order_phone_numbers", "CreatePhoneNumberOrder", {"ProductType": product_type, "E164PhoneNumbers": numbers}
        )
        with self.backend.lock:
            order = inventory.order(self._scope(None, account), numbers, product_type)
        return [n for n, status in order.OrderedPhoneNumbers if status == "Acquired"]

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

    def __repr__(self) -> str:
        return (
            f"<ChimeProxyMock {'active' if self.active else 'inactive'} account={self.account} "
            f"region={self.region} calls={len(self.calls)}>"
        )


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


@contextmanager
def _test_mock(make: Callable[[], ChimeProxyMock], wrapper: Any) -> Iterator[ChimeProxyMock]:
    """The mock a decorated function runs under: its own, or, when the function is a pytest test that also
    has the ``chime_proxy`` fixture, the fixture's (one test, one fake: the plugin checks the options)."""
    try:
        outer = active.current()
    except active.OverlappingMocksError:
        outer = None
    if outer is not None and outer.decorated_test is wrapper:
        yield outer
        return
    with make() as mock:
        yield mock


def _decorate(target: Any, make: Callable[[], ChimeProxyMock], has_options: bool = False) -> Any:
    if inspect.isclass(target):
        unittest: Any = sys.modules.get("unittest")  # a TestCase exists only where unittest is imported already
        if unittest is not None and issubclass(target, unittest.TestCase):
            case: Any = target
            original_setup = case.setUp

            def setUp(self: Any) -> None:  # noqa: N802 - unittest's name
                mock = make().start()
                self.addCleanup(mock.stop)
                original_setup(self)

            case.setUp = setUp
            return target
        return _decorate_test_class(target, make)
    if inspect.iscoroutinefunction(target):

        @functools.wraps(target)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with _test_mock(make, run_async):
                return await target(*args, **kwargs)

        run_async.chime_proxy_decorated = has_options  # type: ignore[attr-defined]
        return run_async

    @functools.wraps(target)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _test_mock(make, run):
            return target(*args, **kwargs)

    run.chime_proxy_decorated = has_options  # type: ignore[attr-defined]
    return run


_CLASS_MOCK = "_chime_proxy_mock"


def _call_xunit(method: Callable[..., Any], instance: Any, test: Any) -> None:
    """Call a setup_method/teardown_method as pytest does: with the test method if it takes an argument."""
    if len(inspect.signature(method).parameters) > 1:
        method(instance, test)
    else:
        method(instance)


def _decorate_test_class(target: Any, make: Callable[[], ChimeProxyMock]) -> Any:
    """A plain (pytest) test class: each test gets a fresh mock from setup_method to teardown_method.

    So what ``setup_method`` builds is there in the test (as with moto's class decorator), and inherited test
    methods are covered too; wrapping each test method alone would leave ``setup_method`` outside the mock,
    sending its Chime calls to the network.
    """
    original_setup = getattr(target, "setup_method", None)
    original_teardown = getattr(target, "teardown_method", None)

    def setup_method(self: Any, method: Any = None) -> None:
        mock = make().start()
        setattr(self, _CLASS_MOCK, mock)
        try:
            if original_setup is not None:
                _call_xunit(original_setup, self, method)
        except BaseException:
            delattr(self, _CLASS_MOCK)
            mock.stop()  # pytest skips teardown_method when setup_method fails
            raise

    def teardown_method(self: Any, method: Any = None) -> None:
        try:
            if original_teardown is not None:
                _call_xunit(original_teardown, self, method)
        finally:
            mock = self.__dict__.pop(_CLASS_MOCK, None)
            if mock is not None:
                mock.stop()

    target.setup_method = setup_method
    target.teardown_method = teardown_method
    return target


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
        return _decorate(target, lambda: ChimeProxyMock())
    return ChimeProxyMock(**options)
