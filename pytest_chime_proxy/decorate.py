"""How ``@mock_chime_proxy`` wraps a test: functions (sync or async), pytest test classes and TestCases.

Each call of the decorated test runs under a fresh mock made by ``make``; a pytest test that also has the
``chime_proxy`` fixture shares the fixture's mock (one test, one fake).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.patching import active

if TYPE_CHECKING:
    from pytest_chime_proxy.mock import ChimeProxyMock


@contextmanager
def _test_mock(make: Callable[[], ChimeProxyMock], wrapper: Any) -> Iterator[ChimeProxyMock]:
    """The mock a decorated function runs under: its own, or, when the function is a pytest test that also
    has the ``chime_proxy`` fixture, the fixture's (one test, one fake: the plugin checks the options)."""
    try:
        fake = active.current()
    except active.OverlappingMocksError:
        fake = None
    outer = fake.owner if fake is not None else None
    if outer is not None and outer.decorated_test is wrapper:
        yield outer
        return
    with make() as mock:
        code = getattr(inspect.unwrap(wrapper), "__code__", None)
        if code is not None:  # the decorated function, not the test runner that called it
            mock.started_at = f"{code.co_filename}:{code.co_firstlineno} (@mock_chime_proxy {code.co_name})"
        yield mock


def decorate(target: Any, make: Callable[[], ChimeProxyMock], has_options: bool = False) -> Any:
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
