"""Secrets out of a request, once, where it enters the pipeline: the one module anything that keeps or prints
a request calls (the call log, the server's access log, a repr).

What is a secret here: credential material, never needed once the request is checked and signed -- the
signature and session token (headers and presigned query alike), the access key id (but for the fake key
and a 12-digit account id, which tests assert on), any other Authorization scheme whole, cookies, a URL's
user information, and the body members in ``SECRET_MEMBERS`` (termination-credential passwords), in any
spelling JSON allows. The rules keep what they know to be safe rather than list what to remove: of an
Authorization header only strictly formed parts are kept, and a name is matched by its letters alone, so no
new spelling of a known secret gets through.
(The model's ``sensitive`` mark is wider: phone numbers, names and tags are sensitive, and are kept in the
call log for tests to assert on; validation messages never echo a sensitive value, see ``validation``.)

``redact`` also returns the secret values it removed, so an answer that would echo one (a message quoting
the input) can be scrubbed by ``scrub`` before anything keeps or sends it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any, NamedTuple
from urllib.parse import unquote

from pytest_chime_proxy.core.wire import spec as _spec
from pytest_chime_proxy.core.wire.credentials import FAKE_ACCESS_KEY
from pytest_chime_proxy.core.wire.protocol import WireRequest, WireResponse
from pytest_chime_proxy.core.wire.routing import REGION
from pytest_chime_proxy.core.wire.secret_members import REDACTED, SECRET_MEMBERS, params
from pytest_chime_proxy.core.wire.secret_members import strings as _strings

# Names are compared by their letters and digits alone, in lower case (``_letters``): padding, dashes, escapes,
# controls or invisible characters in a name cannot hide it. A header whose name holds any of these words is
# redacted whole; a query member's value too (but pagination's next-token, which is not a secret).
_SECRET_HEADER_WORDS = (
    "auth",
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "credential",
    "signature",
    "cookie",
    "key",
    "oidc",
    "jwt",
    "bearer",
    "dpop",
    "assertion",
    "session",
)
_SECRET_QUERY_WORDS = (
    "signature",
    "token",
    "password",
    "passwd",
    "pwd",
    "secret",
    "accesskey",
    "apikey",
    "credential",
    "auth",
)
_SECRET_QUERY_NAMES = frozenset({"key", "sig"})
_NOT_SECRET_QUERY = frozenset({"nexttoken"})  # pagination: a "token" that is not a secret
_KEY_QUERY = frozenset({"xamzcredential", "awsaccesskeyid"})  # kept with the key id cut, as in a header
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_QUERY_SEPARATORS = re.compile(r"([&;])")
# user information: whatever comes before the last "@" of the first segment after an optional scheme and any
# slashes (either way round), so every form a lenient parser reads an authority from is covered
# (``http://u:p@host``, ``//u:p@host``, ``http:\\u:p@host``, ``u:p@host``); a path whose first segment holds an "@" loses
# that part too, which no Chime path has
_USERINFO = re.compile(r"((?:[A-Za-z][A-Za-z0-9+.-]*:(?=[/\\]))?[/\\]*)([^/\\?#]*)@")
_SCHEME = re.compile(r"\s*([A-Za-z0-9-]*)")
# the schemes whose name is kept (a bare token's first letters are not a scheme); SigV4's are read further
_KNOWN_SCHEMES = frozenset({"basic", "bearer", "digest", "aws", "negotiate", "ntlm", "token", "hoba", "mutual"})
_SIGV4_SCHEMES = frozenset({"aws4-hmac-sha256", "aws4-ecdsa-p256-sha256"})
# a header name as HTTP defines it (RFC 9110's token): any other name is redacted whole, whatever it spells
_TOKEN_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_SIGV4_SCHEME = re.compile(r"\s*(AWS4-[A-Za-z0-9-]*?)(?=\s|,|Credential\b|SignedHeaders\b|Signature\b|$)", re.I)
# one SigV4 parameter: a name, an equals sign and a value with no whitespace (spacing around either is free)
_SIGV4_PART = re.compile(r"\s*([A-Za-z-]+)\s*=\s*(\S*)\s*")
_CREDENTIAL_VALUE = re.compile(r"([A-Za-z0-9]+)/([A-Za-z0-9/_-]+)")
# a credential scope in the one form it takes (date, region, service, terminator): nothing else fits there, a
# hex signature or a base64 token in any of its places included (a region has dashes and digits only where
# regions do, a service no digits at all)
_SCOPE = re.compile(rf"[0-9]{{8}}/{REGION}/[a-z-]{{1,40}}/aws4_request")
_SIGNED_HEADERS_VALUE = re.compile(r"[A-Za-z0-9;_.-]+")
_ESCAPE_DEPTH = 3
MIN_SCRUBBED = 4  # a shorter secret value is not searched for in answers (it would mangle every message)


def keep_key(key: str) -> str:
    """An access key id as kept: the fake key and a 12-digit account id whole (moto's rule), any other cut."""
    return key if key == FAKE_ACCESS_KEY or (len(key) == 12 and key.isdigit()) else key[:4] + REDACTED


# botocore's own SigV4 header, and nothing else: a key id, a scope, signed header names and a hex signature,
# with no space, comma or equals sign inside any of them, so ``_authorization`` would read it the same way
_BOTOCORE_SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]+)/([A-Za-z0-9/_-]+), SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]+)"
)


def _credential(key: str, scope: str, found: list[str]) -> str:
    """A SigV4 credential as kept: the key id cut (``keep_key``), the scope only in a scope's form."""
    if _is_scope(scope):
        return f"{keep_key(key)}/{scope}"
    found.append(scope)
    return f"{keep_key(key)}/{REDACTED}"


@lru_cache(maxsize=256)
def _is_scope(scope: str) -> bool:
    return _SCOPE.fullmatch(scope) is not None


def _signed_headers(value: str, present: frozenset[str], found: list[str]) -> str:
    """SigV4's signed header names as kept: only when each is a header the request has (a signer signs no
    other; ``host`` it may add itself), so no other text can pass for one."""
    if _all_present(value, present):
        return value
    found.append(value)
    return REDACTED


@lru_cache(maxsize=256)
def _all_present(signed: str, present: frozenset[str]) -> bool:
    return all(name in present or name == "host" for name in signed.lower().split(";"))


def authorization(value: str, found: list[str] | None = None, present: frozenset[str] = frozenset()) -> str:
    """An Authorization header as kept: SigV4's credential scope (key id cut) and signed headers, nothing else;
    whatever the spacing around ``=`` and ``,``. Any other scheme keeps only its name. ``present``: the
    request's header names in lower case (signed header names are kept only when they are among them).

    botocore's exact spelling is read by one pattern, every other by ``_authorization``: the same result
    (tests/test_fast_paths.py checks the two agree on generated headers)."""
    exact = _BOTOCORE_SIGV4.fullmatch(value)
    if exact is None:
        return _authorization(value, found, present)
    key, scope, signed, signature = exact.groups()
    found = found if found is not None else []
    credential, signed = _credential(key, scope, found), _signed_headers(signed, present, found)
    found.append(signature)  # after the others: the order the general reading finds them in
    return f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={REDACTED}"


def _authorization(value: str, found: list[str] | None = None, present: frozenset[str] = frozenset()) -> str:
    """Any spelling: only what the SigV4 grammar names and a strict form allows is kept (the scheme, the
    credential's key id cut and its scope, the signed header names); every other parameter, and any text
    that is not a parameter, is replaced by ``REDACTED``."""
    found = found if found is not None else []
    sigv4 = _SIGV4_SCHEME.match(value)  # the scheme may be followed by any whitespace, or by nothing at all
    if sigv4 is None or sigv4.group(1).lower() not in _SIGV4_SCHEMES:  # another scheme: its name, if known
        scheme = _SCHEME.match(value).group(1)  # type: ignore[union-attr]  # the pattern matches any text
        if scheme.lower() not in _KNOWN_SCHEMES:
            if value.strip():
                found.append(value.strip())
            return REDACTED
        rest = value.strip()[len(scheme) :].strip()
        if rest:
            found.append(rest)
        return f"{scheme} {REDACTED}" if rest else scheme
    scheme, rest = sigv4.group(1), value[sigv4.end() :]
    parts = []
    for part in rest.split(","):
        m = _SIGV4_PART.fullmatch(part)
        if m is None:
            if part.strip():
                parts.append(REDACTED)  # not one parameter (another separator, say): nothing of it is kept
                found.append(part.strip())
            continue
        name, given = m.group(1), m.group(2)
        credential = _CREDENTIAL_VALUE.fullmatch(given) if name.lower() == "credential" else None
        if credential is not None:
            parts.append(f"Credential={_credential(credential.group(1), credential.group(2), found)}")
        elif name.lower() == "signedheaders" and _SIGNED_HEADERS_VALUE.fullmatch(given):
            parts.append(f"SignedHeaders={_signed_headers(given, present, found)}")
        else:
            parts.append(f"{name}={REDACTED}")
            found.append(given)
    return f"{scheme} " + ", ".join(parts)


def _letters(name: str) -> str:
    """A name by its letters and digits alone, in lower case."""
    return _NOT_LETTERS.sub("", name.lower())


@lru_cache(maxsize=4096)
def _header_kind(name: str) -> str:
    """``authorization``, ``secret`` (redacted whole) or ``kept``: a header name's kind, in any case."""
    if name.lower() == "authorization":  # exactly: "Authorization " or "X-Authorization" is redacted whole
        return "authorization"
    if not _TOKEN_NAME.fullmatch(name):  # padding, controls, letters outside ASCII: no header a server reads
        return "secret"
    letters = _letters(name)
    if any(word in letters for word in _SECRET_HEADER_WORDS):
        return "secret"
    return "kept"


def _header(name: str, value: Any, found: list[str] | None, present: frozenset[str]) -> Any:
    kind = _header_kind(name) if type(name) is str else _header_kind(str(name))
    if kind == "kept":
        return value
    if kind == "authorization" and isinstance(value, str):
        return authorization(value, found, present)
    if found is not None and isinstance(value, str):
        found.append(value)
    return REDACTED


@lru_cache(maxsize=256)
def _not_kept(names: tuple[Any, ...]) -> tuple[tuple[Any, ...], frozenset[str]]:
    """The names of a header set that are redacted, in order, and all its names in lower case (a client sends
    the same few sets over and over)."""
    return (
        tuple(name for name in names if _header_kind(name if type(name) is str else str(name)) != "kept"),
        frozenset(str(name).lower() for name in names),
    )


def headers(given: Mapping[str, Any], found: list[str] | None = None) -> dict[str, Any]:
    """Headers as kept (see ``authorization``; tokens, cookies and credential-like headers redacted)."""
    if type(given) is not dict:
        present = frozenset(str(name).lower() for name in given)
        return {name: _header(name, value, found, present) for name, value in given.items()}
    kept = given.copy()
    redacted, present = _not_kept(tuple(given))
    for name in redacted:
        kept[name] = _header(name, given[name], found, present)
    return kept


def _query_part(part: str, found: list[str]) -> str:
    name, eq, value = part.partition("=")
    letters = _letters(unquote(unquote(unquote(name))))
    if letters in _KEY_QUERY:
        credential = _CREDENTIAL_VALUE.fullmatch(unquote(value))
        if credential is not None:  # kept as a header's is: the key id cut, the scope only in a scope's form
            return f"{name}{eq}{_credential(credential.group(1), credential.group(2), found)}"
    secret = letters in _KEY_QUERY or letters in _SECRET_QUERY_NAMES
    if not secret and letters not in _NOT_SECRET_QUERY:
        secret = any(word in letters for word in _SECRET_QUERY_WORDS)
    if not secret:
        return part
    if not eq:  # a member with no equals sign (an escaped one, say): nothing of it is kept
        found.append(unquote(part))
        return REDACTED
    found.append(unquote(value))
    return f"{name}{eq}{REDACTED}"


def url(given: str, found: list[str] | None = None) -> str:
    """A URL as kept: presigned query members redacted (names in any case or percent-encoding), user
    information and fragment removed."""
    if "?" not in given and "@" not in given and "#" not in given:
        return given  # nothing to remove (most requests)
    found = found if found is not None else []
    given, hash_mark, fragment = given.partition("#")
    if fragment:  # never sent by a client; whatever is there is not kept
        found.append(fragment)
        fragment = REDACTED
    base, question, query = given.partition("?")
    userinfo = _USERINFO.match(base)
    if userinfo is not None:  # a password (or a token as the user name) in the URL: the host alone is kept
        found.extend(part for part in userinfo.group(2).split(":") if part)
        base = f"{userinfo.group(1)}{REDACTED}@{base[userinfo.end() :]}"
    # ";" separates members too for some servers: a member after one is read as a member, not a value
    kept = "".join(_query_part(p, found) if i % 2 == 0 else p for i, p in enumerate(_QUERY_SEPARATORS.split(query)))
    return f"{base}{question}{kept}{hash_mark}{fragment}"


def request_line(line: str) -> str:
    """An HTTP request line (``GET /path?query HTTP/1.1``, as a server logs it) with its URL as ``url`` keeps it."""
    parts = line.split(" ")
    return " ".join(url(part) if "?" in part else part for part in parts)


# a secret member's name in any case, or a JSON escape that could spell one: one C-speed scan, no copy
# a member's name in ASCII, an escape, or a body that is not ASCII-compatible (UTF-16/32, which JSON readers
# accept: its NUL bytes or byte-order mark) may hide a secret: such a body is read as JSON and redacted
_MAY_HOLD_SECRET = re.compile(
    b"(?i)" + b"|".join(re.escape(n.encode()) for n in sorted(SECRET_MEMBERS)) + rb"|\\u|\x00|\A(?:\xfe\xff|\xff\xfe)"
)


def _may_hold_secret(body: bytes) -> bool:
    return _MAY_HOLD_SECRET.search(body) is not None


def body(given: bytes, found: list[str] | None = None) -> bytes:
    """A body as kept: the same object when it cannot hold a secret member (the common case)."""
    if not _may_hold_secret(given):
        return given
    try:
        return json.dumps(params(json.loads(given), found)).encode()
    except (ValueError, RecursionError):
        return b'"REDACTED: a body that names a secret member and is not JSON"'


_TOO_DEEP = b'"REDACTED: a body nested too deeply to read"'


class Redacted(NamedTuple):
    """A request as it may be kept, and the secret values taken out of it (for ``scrub``)."""

    request: WireRequest
    secrets: tuple[str, ...]


def redact(request: WireRequest) -> Redacted:
    """``request`` without its secrets (see the module's docstring), and those secrets."""
    found: list[str] = []
    kept = WireRequest(
        request.method, url(request.url, found), headers(request.headers, found), body(request.body, found)
    )
    return Redacted(kept, tuple(s for s in dict.fromkeys(found) if len(s) >= MIN_SCRUBBED))


@cache
def _holders(namespace: str) -> frozenset[str]:
    """The shapes of ``namespace`` that hold a secret member, at any depth (a credential list does)."""
    shapes = _spec.load(namespace).shapes
    parents: dict[str, list[str]] = {}  # shape -> the shapes that refer to it
    found: list[str] = []
    for name, shape in shapes.items():
        members = shape.get("members", {})
        if any(member.lower() in SECRET_MEMBERS for member in members):
            found.append(name)
        refs = [*members.values(), *(shape[k] for k in ("member", "key", "value") if k in shape)]
        for ref in refs:
            parents.setdefault(ref["shape"], []).append(name)
    holders = set(found)
    while found:
        for parent in parents.get(found.pop(), ()):
            if parent not in holders:
                holders.add(parent)
                found.append(parent)
    return frozenset(holders)


def _walk(spec: _spec.Spec, shape_name: str, value: Any, found: list[str]) -> Any:
    """``value`` read as ``shape_name``: a value that should hold a secret but is not of its shape's type is
    removed whole (a password sent where a list of credentials belongs is still a password)."""
    if shape_name not in _holders(spec.namespace):
        return params(value, found)  # a value of the wrong type may still hold a secret member by its name
    shape = spec.shape(shape_name)
    if shape["type"] == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        kept: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(k, str) and k.lower() in SECRET_MEMBERS:
                found.extend(_strings(v))
                kept[k] = REDACTED
            elif k in members:
                kept[k] = _walk(spec, members[k]["shape"], v, found)
            else:
                kept[k] = params(v, found)
        return kept
    if shape["type"] == "list" and isinstance(value, list):
        return [_walk(spec, shape["member"]["shape"], v, found) for v in value]
    found.extend(_strings(value))
    return REDACTED


def for_input(
    redacted: Redacted, request: WireRequest, namespace: str, input_shape: str | None, given: dict[str, Any]
) -> tuple[Redacted, dict[str, Any]]:
    """Once the operation is known: its parameters as kept, and the request's body redacted by the input
    shape too (``_walk``), when the shape holds a secret; otherwise what name-based redaction gave."""
    if input_shape is None or input_shape not in _holders(namespace):
        try:
            return redacted, given if redacted.request.body is request.body else params(given)
        except RecursionError:  # nested deeper than Python walks: nothing of it is kept
            return Redacted(replace(redacted.request, body=_TOO_DEEP), redacted.secrets), {}
    spec = _spec.load(namespace)
    found = list(redacted.secrets)
    try:
        kept_params = _walk(spec, input_shape, given, found)
    except RecursionError:  # nested deeper than Python walks: nothing of it is kept
        return Redacted(replace(redacted.request, body=_TOO_DEEP), redacted.secrets), {}
    kept_body = redacted.request.body
    try:
        decoded = json.loads(request.body) if request.body else None
        if isinstance(decoded, dict):
            kept_body = json.dumps(_walk(spec, input_shape, decoded, found)).encode()
    except ValueError:  # not JSON: the name-based redaction's body stands
        pass
    except RecursionError:
        kept_body = _TOO_DEEP
    secrets = tuple(s for s in dict.fromkeys(found) if len(s) >= MIN_SCRUBBED)
    return Redacted(replace(redacted.request, body=kept_body), secrets), kept_params


def scrub(response: WireResponse, secrets: tuple[str, ...]) -> WireResponse:
    """``response`` with any of ``secrets`` it echoes replaced by ``REDACTED`` (the same object when none is)."""
    text = response.body
    for secret in secrets:
        spellings = {secret}
        for _ in range(_ESCAPE_DEPTH):  # a message quoting the input as JSON, in a JSON body: escaped twice
            spellings |= {json.dumps(s, ensure_ascii=ascii)[1:-1] for s in spellings for ascii in (True, False)}
        for spelling in sorted(spellings, key=len, reverse=True):
            encoded = spelling.encode(errors="replace")
            if encoded in text:
                text = text.replace(encoded, REDACTED.encode())
    if text is response.body:
        return response
    return WireResponse(response.status, response.headers, text)
