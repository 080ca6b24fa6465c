"""Which namespace and region a host belongs to, and which operation a method and path name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple
from urllib.parse import unquote

from pytest_chime_proxy.core.wire import spec as _spec

# Every DNS suffix of every AWS partition, plain and dual-stack (botocore's data/partitions.json; a test keeps
# this list a superset of the installed botocore's): a Chime host in any partition is the fake's while a mock is
# active, so raw HTTP to voice-chime.cn-north-1.amazonaws.com.cn is answered too, never sent.
AWS_DNS_SUFFIXES = (
    "amazonaws.com",
    "amazonaws.com.cn",
    "amazonaws.eu",
    "api.amazonwebservices.com.cn",
    "api.amazonwebservices.eu",
    "api.aws",
    "api.aws.hci.ic.gov",
    "api.aws.ic.gov",
    "api.aws.scloud",
    "api.cloud-aws.adc-e.uk",
    "c2s.ic.gov",
    "cloud.adc-e.uk",
    "csp.hci.ic.gov",
    "sc2s.sgov.gov",
)
_SUFFIX = "(?:" + "|".join(re.escape(s) for s in AWS_DNS_SUFFIXES) + ")"
# a region as every partition names one (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1, us-isob-east-1):
# so chime.s3.amazonaws.com, an S3 bucket named "chime", is not Chime's
REGION = r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}"
_REGION = f"({REGION})"
# voice-chime.<region>.<suffix> (also -fips)
_VOICE_NAME = rf"voice-chime(?:-fips)?\.{_REGION}\.{_SUFFIX}"
# botocore 1.37.1 sends legacy calls to chime.us-east-1.amazonaws.com; the REST reference to the global host
_LEGACY_NAME = rf"chime(?:-fips)?\.{_REGION}\.{_SUFFIX}|service\.chime\.aws\.amazon\.com"
_VOICE_HOST = re.compile(rf"^{_VOICE_NAME}$")
_LEGACY_HOST = re.compile(rf"^(?:{_LEGACY_NAME})$")
# every Chime host, as one pattern for others to build on (moto's passthrough list)
HOSTS = rf"(?:{_VOICE_NAME}|{_LEGACY_NAME})"
LEGACY_HOME_REGION = "us-east-1"
# AWS's samples and most published Chime code call the legacy API at https://service.chime.aws.amazon.com/console
CONSOLE_PREFIX = "/console"


@dataclass(frozen=True)
class Endpoint:
    """Where a request was sent: the namespace that answers it and the endpoint's region."""

    namespace: str
    region: str


def normalize_host(authority: str | bytes) -> str:
    """The host name an authority (``user:pw@Host.:443``, ``[::1]:80``, a bare name) stands for, spelled
    one way: percent escapes undone, userinfo and port dropped, IDNA applied (full-width letters and dots
    become ASCII), lower case, no trailing dots. Every spelling a resolver or a URL parser would take to one
    host comes out the same, so one pattern match decides whether it is Chime's."""
    if isinstance(authority, bytes):
        authority = authority.decode("latin-1")
    host = authority.strip()
    for _ in range(4):  # %252e: escapes of escapes, as far as any parser on the way would go
        unquoted = unquote(host)
        if unquoted == host:
            break
        host = unquoted
    host = host.rpartition("@")[2]
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:  # a label IDNA refuses: the compatibility form a lenient parser would use
            host = re.sub("[\u3002\uff0e\uff61]", ".", unicodedata.normalize("NFKC", host))
    return host.lower().rstrip(".")


@lru_cache(maxsize=256)
def resolve_host(host: str) -> Endpoint | None:
    """The Chime endpoint a host (or an authority, in any spelling: see ``normalize_host``) belongs to, or
    None for any other host (left alone)."""
    host = normalize_host(host)
    m = _VOICE_HOST.fullmatch(host)
    if m:
        return Endpoint("chime-sdk-voice", m.group(1))
    m = _LEGACY_HOST.fullmatch(host)
    if m:
        return Endpoint("chime", LEGACY_HOME_REGION)
    return None


@cache
def _table(namespace: str, method: str) -> tuple[_spec.Operation, ...]:
    ops = [op for op in _spec.load(namespace).operations.values() if op.method == method]
    # Routes that need a query literal (?operation=...) go first, then the most literal paths.
    return tuple(sorted(ops, key=lambda op: (-len(op.query), -len(_spec._PARAM.sub("", op.uri.partition("?")[0])))))


def _fits(op: _spec.Operation, slashes: int, first: str | None) -> bool:
    """Whether ``op``'s path pattern could match a path with ``slashes`` slashes and first segment ``first``.

    Only a cheap necessary condition: a pattern without greedy labels matches its own number of slashes
    (one more with the optional trailing slash), and a literal first segment matches only itself.
    """
    path = op.uri.partition("?")[0]
    if "+}" in path:
        return True
    own = path.count("/")
    if slashes not in (own, own + 1):
        return False
    head = path.split("/")[1] if path.count("/") >= 1 else ""
    return "{" in head or head == first


@lru_cache(maxsize=1024)
def _candidates(namespace: str, method: str, slashes: int, first: str | None) -> tuple[_spec.Operation, ...]:
    """The routes of ``_table`` (same order) that could match such a path: a few instead of dozens."""
    return tuple(op for op in _table(namespace, method) if _fits(op, slashes, first))


_GROUP = re.compile(r"\(\?P<(\w+)>")


class _Matcher(NamedTuple):
    """The candidates of one ``_candidates`` entry as one alternation, tried in their order in one call."""

    pattern: re.Pattern[str]
    alternatives: dict[int, tuple[_spec.Operation, tuple[str, ...], slice]]  # group -> op, labels, their groups()


@lru_cache(maxsize=1024)
def _literals(namespace: str, method: str, slashes: int, first: str | None) -> tuple[frozenset[str], ...] | None:
    """Per segment of such a path, the literal segments its candidates have there (None when one has a
    greedy label, whose segments have no fixed place)."""
    candidates = _candidates(namespace, method, slashes, first)
    paths = [op.uri.partition("?")[0] for op in candidates]
    if any("+}" in path for path in paths):
        return None
    positions: list[set[str]] = [set() for _ in range(slashes + 1)]
    for path in paths:
        for position, segment in enumerate(path.split("/")):
            if "{" not in segment:
                positions[position].add(segment)
    return tuple(frozenset(position) for position in positions)


def _fits_skeleton(op: _spec.Operation, skeleton: tuple[str | None, ...] | None) -> bool:
    """Whether ``op``'s literal segments are the path's (``skeleton``: a path segment where it is some
    candidate's literal, None where it is none's, so no literal there can match it)."""
    if skeleton is None:
        return True
    segments = op.uri.partition("?")[0].split("/")
    # a route one segment shorter matches the path with its trailing slash: that last segment is empty
    return all("{" in segment or segment == given for segment, given in zip(segments, skeleton, strict=False))


@lru_cache(maxsize=1024)
def _matcher(
    namespace: str, method: str, slashes: int, first: str | None, skeleton: tuple[str | None, ...] | None
) -> _Matcher:
    """``(?:(op1)|(op2)|...)`` over the candidates whose literal segments the path has: Python's engine takes
    the first alternative that matches the whole path, which is the first route the one-by-one loop would
    have matched."""
    parts: list[str] = []
    alternatives: dict[int, tuple[_spec.Operation, tuple[str, ...], slice]] = {}
    group = 0
    for op in _candidates(namespace, method, slashes, first):
        if not _fits_skeleton(op, skeleton):
            continue
        group += 1
        own = group
        labels = tuple(_GROUP.findall(op.path_source))
        group += len(labels)
        alternatives[own] = (op, labels, slice(own, own + len(labels)))  # groups() counts from group 1
        parts.append("(" + _GROUP.sub("(", op.path_source) + ")")
    return _Matcher(re.compile("|".join(parts) or "(?!)"), alternatives)


def route(
    namespace: str, method: str, path: str, query: dict[str, list[str]]
) -> tuple[_spec.Operation, dict[str, str]] | None:
    """The operation for ``method path?query`` and its raw (still percent-encoded) path parameters.

    The legacy namespace also answers under ``CONSOLE_PREFIX``, as its real endpoint does.

    The first route of ``_table``'s order whose pattern matches the whole path and whose query literals are
    all present; ``_candidates`` and the path's literal segments only leave out routes that cannot match. The
    path is matched against the rest at once (``_matcher``); only when the route it finds needs query literals
    the request lacks are the candidates tried one by one.
    """
    if namespace == "chime" and (path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")):
        path = path[len(CONSOLE_PREFIX) :] or "/"
    segments = path.split("/")
    first = segments[1] if len(segments) > 1 else None
    method = method.upper()
    slashes = len(segments) - 1
    literals = _literals(namespace, method, slashes, first)
    # one set per segment (not checked again: strict zip costs as much); a list display is half a generator's
    skeleton = (
        None
        if literals is None
        else tuple([s if s in lit else None for s, lit in zip(segments, literals, strict=False)])
    )
    matcher = _matcher(namespace, method, slashes, first, skeleton)
    m = matcher.pattern.fullmatch(path)
    if m is None:
        return None
    op, labels, groups = matcher.alternatives[m.lastindex or 0]
    if not op.query or all(query.get(k) == [v] for k, v in op.query):
        return op, dict(zip(labels, m.groups()[groups], strict=True))
    for op in _candidates(namespace, method, slashes, first):
        found = op.path.fullmatch(path)
        if found and all(query.get(k) == [v] for k, v in op.query):
            return op, found.groupdict()
    return None
