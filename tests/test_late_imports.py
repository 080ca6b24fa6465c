"""Patches that wait for their library (``patching.after_import``): whatever the order of imports, threads and
``sys.modules`` changes, a Chime request is answered by the fake, and the stop gives everything back.

Each case runs in a fresh interpreter (imports are process state). A script fails loudly on any lookup of a
non-loopback host (its own audit hook, installed first), so an escape is a failure, not a refusal.
"""

from __future__ import annotations

import importlib.util
import textwrap

import pytest
from helpers import fresh_python

needs_aiobotocore = pytest.mark.skipif(
    importlib.util.find_spec("aiobotocore") is None, reason="aiobotocore is not installed here"
)

_PRELUDE = """
import asyncio, ipaddress, sys, threading, time

def _refuse(event, args):
    if event == "socket.getaddrinfo":
        host = str(args[0]).strip("[]")
        if host != "localhost":
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise SystemExit(f"ESCAPE: a lookup of {host}")

sys.addaudithook(_refuse)

def aio_call():
    from aiobotocore.session import get_session

    async def go():
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1") as client:
            return (await client.list_voice_connectors())["ResponseMetadata"]["HTTPStatusCode"]

    return asyncio.run(go())

def requests_call():
    import requests

    return requests.get("https://voice-chime.us-east-1.amazonaws.com/voice-connectors", timeout=3).status_code

def finder_gone():
    from pytest_chime_proxy.patching import after_import

    return after_import._finder not in sys.meta_path
"""


def run(script: str) -> list[str]:
    """The words ``script`` prints, run after the prelude in a fresh interpreter."""
    return [word for line in fresh_python(_PRELUDE + textwrap.dedent(script)) for word in line.split()]


_SLOW_IMPORT = """
class Slow:  # holds the import of {slowed} until released: {name}'s import is half done meanwhile
    released = threading.Event()

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "{slowed}":
            self.released.wait(10)
        return None

sys.meta_path.insert(0, Slow())
from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.patching import after_import

importer = threading.Thread(target=__import__, args=("{name}",))
importer.start()
deadline = time.monotonic() + 10
while not after_import.importing("{name}") and time.monotonic() < deadline:
    time.sleep(0.001)
print(after_import.importing("{name}"))
threading.Timer(0.3, Slow.released.set).start()  # the start below waits for the import, then patches
with ChimeProxyMock():
    importer.join()
    print({call}())
print(finder_gone())
"""


@needs_aiobotocore
def test_an_aiobotocore_import_half_done_in_another_thread_when_the_mock_starts_is_patched() -> None:
    assert run(_SLOW_IMPORT.format(name="aiobotocore.endpoint", slowed="aiohttp", call="aio_call")) == [
        "True",
        "200",
        "True",
    ]


def test_a_requests_import_half_done_in_another_thread_when_the_mock_starts_is_patched() -> None:
    assert run(_SLOW_IMPORT.format(name="requests", slowed="urllib3", call="requests_call")) == ["True", "200", "True"]


@needs_aiobotocore
def test_a_lazily_loaded_aiobotocore_does_not_deadlock_the_next_mock() -> None:
    script = """
    import importlib.util
    from pytest_chime_proxy import ChimeProxyMock

    import aiobotocore
    with ChimeProxyMock():
        spec = importlib.util.find_spec("aiobotocore.endpoint")
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)  # nothing run yet: the first attribute read loads it
    done = threading.Event()

    def second():
        with ChimeProxyMock():
            print(aio_call())
        done.set()

    threading.Thread(target=second, daemon=True).start()
    print(done.wait(20))
    """
    assert run(script) == ["200", "True"]


@needs_aiobotocore
def test_aiobotocore_imported_again_under_its_name_is_patched_too() -> None:
    """pytester's in-process runs put ``sys.modules`` back: a module imported again is a new copy."""
    script = """
    from pytest_chime_proxy import ChimeProxyMock

    with ChimeProxyMock():
        print(aio_call())
        for name in [n for n in sys.modules if n.startswith("aiobotocore")]:
            del sys.modules[name]
        print(aio_call())
    print(finder_gone())
    """
    assert run(script) == ["200", "200", "True"]


def test_responses_leaving_sys_modules_during_a_mock_does_not_break_its_stop() -> None:
    script = """
    import requests
    from pytest_chime_proxy import ChimeProxyMock

    mock = ChimeProxyMock().start()
    print(requests_call())
    sys.modules.pop("responses")
    mock.stop()
    print(requests.adapters.HTTPAdapter.send.__module__, finder_gone())
    """
    assert run(script) == ["200", "requests.adapters", "True"]


@needs_aiobotocore
def test_a_client_made_before_a_reload_during_a_mock_works_after_the_stop() -> None:
    """``importlib.reload(aiobotocore.endpoint)`` binds a new class: the one patched gets its own ``_send``
    back at the stop, so an older client reaches its (loopback) endpoint with aiobotocore's own error."""
    script = """
    import importlib
    import aiobotocore.endpoint as endpoint
    from aiobotocore.session import get_session
    from pytest_chime_proxy import ChimeProxyMock

    async def main():
        async with get_session().create_client(
            "sts", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
            aws_access_key_id="a", aws_secret_access_key="b",
        ) as client:
            with ChimeProxyMock():
                importlib.reload(endpoint)
            try:
                await client.get_caller_identity()
            except Exception as error:
                print(type(error).__name__)

    asyncio.run(main())
    """
    assert run(script) == ["EndpointConnectionError"]


def test_imports_in_other_threads_never_miss_a_finder_while_mocks_start_and_stop(tmp_path: object) -> None:
    """The hook joins and leaves ``sys.meta_path`` as a new list: an import another thread is walking the old
    one through never skips the finder after it (here one at the end, as setuptools' editable finder is)."""
    script = """
    import importlib.abc, importlib.machinery, importlib.util
    from pytest_chime_proxy import ChimeProxyMock

    class Tail(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname, path=None, target=None):
            if fullname.startswith("tailmod_"):
                return importlib.machinery.ModuleSpec(fullname, self)
            return None

        def create_module(self, spec):
            return None

        def exec_module(self, module):
            pass

    sys.meta_path.append(Tail())
    stop, failed, imported = threading.Event(), [], [0]

    def importer():
        n = 0
        while not stop.is_set():
            name = f"tailmod_{n}"
            try:
                __import__(name)
                imported[0] += 1
            except ImportError as error:
                failed.append(str(error))
            sys.modules.pop(name, None)
            n += 1

    thread = threading.Thread(target=importer)
    thread.start()
    end = time.monotonic() + 2
    while time.monotonic() < end:
        with ChimeProxyMock():
            pass
    stop.set()
    thread.join()
    print(imported[0] > 100, len(failed))
    """
    assert run(script) == ["True", "0"]
