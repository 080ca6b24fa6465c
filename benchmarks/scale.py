"""Section 5: does a call cost the same with 10, 1,000 or 10,000 sessions on one voice connector?

Per size: the cost per session of creating them all through a real client, the cost per page of listing
them all page by page (``MaxResults`` = ``PAGE``, so every size lists pages of the same size), and, in a
separate pass under ``tracemalloc``, the memory each stored session keeps (the fake's state alone, and with
the mock's call log, which keeps every request and response).
"""

from __future__ import annotations

import gc
import statistics
import tracemalloc
from typing import Any

import boto3
from harness import CLOCK, CREDENTIALS, Results, Row
from per_call import participants

PAGE = 10
FLAT_TOLERANCE = 1.25  # "flat": the largest size costs at most this much more per item than the smallest
LISTINGS = 3  # each mock's sessions are listed this many times; the median listing is taken (one noisy pass misleads)


def _client() -> Any:
    return boto3.session.Session().client("chime-sdk-voice", region_name="us-east-1", **CREDENTIALS)


def _fill(client: Any, vc: str, count: int, first: int = 0) -> float:
    """Create ``count`` sessions (participants numbered from ``first``); CPU seconds taken."""
    start = CLOCK()
    for i in range(first, first + count):
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=participants(i), Capabilities=["Voice", "SMS"]
        )
    return CLOCK() - start


def _list_all(client: Any, vc: str) -> tuple[float, int, int]:
    """List every session page by page: (CPU seconds, pages, sessions seen)."""
    start = CLOCK()
    pages = seen = 0
    kwargs: dict[str, Any] = {"VoiceConnectorId": vc, "MaxResults": PAGE}
    while True:
        page = client.list_proxy_sessions(**kwargs)
        pages += 1
        seen += len(page["ProxySessions"])
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    return CLOCK() - start, pages, seen


def _one_size(client: Any, count: int) -> tuple[float, float]:
    """(us per created session, us per listed page) for one fresh mock holding ``count`` sessions."""
    from pytest_chime_proxy import ChimeProxyMock

    with ChimeProxyMock(seed=count) as mock:
        vc = mock.create_voice_connector()
        gc.collect()
        created = _fill(client, vc, count)
        listings = [_list_all(client, vc) for _ in range(LISTINGS)]
    if any(seen != count for _, _, seen in listings):
        raise RuntimeError(f"listing {count} sessions page by page returned {[seen for _, _, seen in listings]}")
    return created / count * 1e6, statistics.median(listed / pages for listed, pages, _ in listings) * 1e6


def _memory(client: Any, count: int) -> tuple[float, float]:
    """(bytes per session kept by the fake's state, bytes per session including the call log)."""
    from pytest_chime_proxy import ChimeProxyMock

    with ChimeProxyMock(seed=count) as mock:
        vc = mock.create_voice_connector()
        _fill(client, vc, 2, first=count)  # warm every cache (models, validators, writers) before measuring
        mock.calls.clear()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            _fill(client, vc, count)
            gc.collect()
            with_log = tracemalloc.get_traced_memory()[0] - before
            mock.calls.clear()
            gc.collect()
            state = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    return state / count, with_log / count


def measure(results: Results, sizes: list[int]) -> None:
    """Per-session create and per-page list cost at each size, and memory per stored session."""
    client = _client()  # one client throughout: a fresh client's first calls fill botocore's caches
    _one_size(client, 10)
    per_size: dict[int, tuple[float, float]] = {}
    for count in sizes:
        reps = max(1, 2000 // count)  # small sizes are repeated so that every figure covers >= 2,000 calls
        samples = [_one_size(client, count) for _ in range(reps)]
        per_size[count] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
    smallest = min(sizes)
    for count in sizes:
        create_us, page_us = per_size[count]
        base_create, base_page = per_size[smallest]
        results.add(
            Row(
                "5. scale: sessions on one voice connector",
                f"create, per session, {count:,} sessions",
                create_us,
                "us",
                base_create,
                f"{smallest:,} sessions",
                f"flat (<= {FLAT_TOLERANCE}x)",
                create_us <= FLAT_TOLERANCE * base_create,
            )
        )
        results.add(
            Row(
                "5. scale: sessions on one voice connector",
                f"list all, per page of {PAGE}, {count:,} sessions",
                page_us,
                "us",
                base_page,
                f"{smallest:,} sessions",
                f"flat (<= {FLAT_TOLERANCE}x)",
                page_us <= FLAT_TOLERANCE * base_page,
            )
        )
    for count in sizes:
        state, with_log = _memory(client, count)
        results.add(
            Row(
                "5. scale: sessions on one voice connector",
                f"memory per stored session, {count:,} sessions",
                state / 1024,
                "KiB",
                note=f"{with_log / 1024:.1f} KiB with the mock's call log",
            )
        )
