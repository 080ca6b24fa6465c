"""No credential provider runs for a Chime client while a mock is active, whatever made the client.

The rule sits where every client kind passes, twice:

- at client creation: every ``create_client`` of botocore's ``Session`` and of each subclass defining its
  own (aiobotocore's ``AioSession._create_client``; boto3 creates through botocore's) is given the fake keys
  for a Chime service when no keys are passed, so the session's provider chain (``credential_process``,
  SSO, an assumed role's STS call, IMDS, a container endpoint) is never asked -- a session made before the
  mock, whose profile was read before, included;
- at signing: every ``get_auth_instance`` of botocore's ``RequestSigner`` and of each subclass defining its
  own (aiobotocore's ``AioRequestSigner``) signs a Chime client's request with the fake keys unless the
  client holds static keys given in code. A client made before the mock keeps its credential object, and
  a refreshable one (assumed role, SSO, process, IMDS) would refresh itself when frozen for signing; it
  never gets the chance. A client that found no credentials before the mock signs too (botocore would
  raise ``NoCredentialsError`` before the request reached the mock).

Keys passed in code (``create_client(aws_access_key_id=...)``, ``Session.set_credentials``) are left as given:
tests choose the account with a 12-digit key id (moto's rule).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any

from pytest_chime_proxy.core.wire.credentials import FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from pytest_chime_proxy.patching import active, after_import, aiobotocore_send
from pytest_chime_proxy.patching.shared_patch import SharedPatch

CHIME_SERVICES = ("chime", "chime-sdk-voice")
_saved: list[tuple[type, str, Any]] = []  # (class, attribute, what its own __dict__ held) to put back
_lock = threading.RLock()  # guards _saved: aiobotocore's classes may be wrapped from the thread importing it


def _subclasses(cls: type) -> Iterator[type]:
    yield cls
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        yield from _subclasses(sub)


def _keys_not_given(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Neither key passed (positionally they are create_client's 6th and 7th arguments after the service):
    botocore would ask the session's providers. One alone is botocore's PartialCredentialsError, left to it;
    a session token alone does not stop botocore asking the providers, so it does not count."""
    positional = list(args[5:7]) + [None, None]
    key = kwargs.get("aws_access_key_id", positional[0])
    secret = kwargs.get("aws_secret_access_key", positional[1])
    return key is None and secret is None


def _create_client(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        if service_name in CHIME_SERVICES and active.any_active() and _keys_not_given(args, kwargs):
            values = list(args)
            for index, name, fake in (
                (5, "aws_access_key_id", FAKE_ACCESS_KEY),
                (6, "aws_secret_access_key", FAKE_SECRET_KEY),
            ):
                if len(values) > index:
                    values[index] = fake  # a positional None
                else:
                    kwargs[name] = fake
            args = tuple(values)
        return original(session, service_name, *args, **kwargs)  # a coroutine for aiobotocore: returned as is

    return create_client


def given_in_code(credentials: Any) -> bool:
    """Static keys passed in code: botocore's plain ``Credentials`` whose ``method`` is ``explicit`` (keys
    passed to ``create_client``) or none (``Session.set_credentials``); the environment, config and credential
    files set another, and refreshable credentials are never static."""
    from botocore.credentials import Credentials, RefreshableCredentials

    return (
        isinstance(credentials, Credentials)
        and not isinstance(credentials, RefreshableCredentials)
        and getattr(credentials, "method", None) in (None, "explicit")
    )


def _chime_signer(signer: Any) -> bool:
    service_id = getattr(signer, "_service_id", None)
    hyphenize = getattr(service_id, "hyphenize", None)
    return callable(hyphenize) and hyphenize() in CHIME_SERVICES


def _fake_credentials(aio: bool) -> Any:
    if aio:
        from aiobotocore.credentials import AioCredentials

        return AioCredentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY, method="pytest-chime-proxy")
    from botocore.credentials import Credentials

    return Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY, method="pytest-chime-proxy")


def _get_auth_instance(original: Callable[..., Any]) -> Callable[..., Any]:
    aio = inspect.iscoroutinefunction(original)

    @functools.wraps(original)
    def get_auth_instance(
        signer: Any,
        signing_name: str,
        region_name: str,
        signature_version: Any = None,
        request_credentials: Any = None,
        **kwargs: Any,
    ) -> Any:
        if active.any_active() and _chime_signer(signer):
            own = request_credentials if request_credentials is not None else getattr(signer, "_credentials", None)
            if not given_in_code(own):
                request_credentials = _fake_credentials(aio)
        return original(signer, signing_name, region_name, signature_version, request_credentials, **kwargs)

    return get_auth_instance


# (wrapper, original) -> the wrapped function: made once per original, so a mock's start does not rebuild it
_wrapped: dict[tuple[Callable[..., Any], Callable[..., Any]], Callable[..., Any]] = {}


def _wrap_all(base: type, names: tuple[str, ...], wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    done = {(cls, name) for cls, name, _ in _saved}
    for cls in _subclasses(base):
        for name in names:
            own = cls.__dict__.get(name)
            if own is not None and callable(own) and (cls, name) not in done:
                _saved.append((cls, name, own))
                wrapped = _wrapped.get((wrapper, own))
                if wrapped is None:
                    wrapped = _wrapped[wrapper, own] = wrapper(own)
                setattr(cls, name, wrapped)


def _wrap_everything(_: object = None) -> None:
    """Wrap every class that defines the methods and is not wrapped yet (aiobotocore's, once it is imported)."""
    from botocore.session import Session
    from botocore.signers import RequestSigner

    with _lock:
        _wrap_all(Session, ("create_client", "_create_client"), _create_client)
        _wrap_all(RequestSigner, ("get_auth_instance", "get_auth"), _get_auth_instance)


# aiobotocore's session and signer subclasses exist once it is imported: wrapped then, never imported for this
def _keep_wrapped(_module: object, _token: object) -> None:
    """Nothing to undo per module: ``_remove`` gives every wrapped class its own method back."""


_AIO = tuple(
    after_import.ModulePatch(name, _wrap_everything, _keep_wrapped)
    for name in ("aiobotocore.session", "aiobotocore.signers")
)


def _apply() -> None:
    try:
        _wrap_everything()
        if aiobotocore_send.available():
            for late in _AIO:
                late.want()
    except BaseException:
        _remove()
        raise


def _remove() -> None:
    for late in _AIO:
        late.unwant()
    with _lock:
        while _saved:
            cls, name, own = _saved.pop()
            setattr(cls, name, own)


patch = SharedPatch(_apply, _remove)
