"""Concurrency: many threads, each with its own boto3 client, creating, updating, listing and deleting
sessions on the same voice connectors at once.

Checked: no session is lost or appears twice, no id is handed out twice, every recorded call is there, and
-- watched while the threads run, by a monitor holding the fake's lock -- no proxy number ever proxies the
same participant in two live sessions, and every session's participants share one number of the pool.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.core.domain.state import Backend

THREADS = 8
ROUNDS = 12
POOL = [f"+1913555{i:04d}" for i in range(10)]
# few participants, so that threads compete for the same proxy numbers
PARTICIPANTS = ["+14015550101", "+14015550102", "+14015550103", "+12065550104", "+12065550105"]


def selection_violations(backend: Backend) -> list[str]:
    """Broken selection rules in the fake's state right now (call with the backend's lock held)."""
    found: list[str] = []
    for account in backend.accounts.values():
        for vc in account.voice_connectors.values():
            pool = {
                n.E164PhoneNumber for n in account.phone_numbers.values() if n.VoiceConnectorId == vc.VoiceConnectorId
            }
            busy: dict[tuple[str, str], str] = {}
            for s in vc.sessions.values():
                proxies = {proxy for _, proxy in s.Participants}
                if len(proxies) != 1 or len({p for p, _ in s.Participants}) != 2:
                    found.append(f"{s.ProxySessionId}: participants {s.Participants}")
                if s.Status == "Closed":
                    continue
                for number, proxy in s.Participants:
                    if proxy not in pool:
                        found.append(f"{s.ProxySessionId}: {proxy} is not in the pool")
                    other = busy.setdefault((number, proxy), s.ProxySessionId)
                    if other != s.ProxySessionId:
                        found.append(f"{proxy} proxies {number} in {other} and {s.ProxySessionId}")
    return found


class Monitor(threading.Thread):
    """Checks the selection rules over and over, under the fake's lock, until told to stop."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(daemon=True)
        self.backend = backend
        self.done = threading.Event()
        self.checks = 0
        self.violations: list[str] = []

    def run(self) -> None:
        while not self.done.is_set():
            with self.backend.lock:
                self.violations += selection_violations(self.backend)
            self.checks += 1
            self.done.wait(0.001)


def run_threads(work: Callable[[int], None], count: int = THREADS) -> list[BaseException]:
    """Run ``work(i)`` in ``count`` threads released together; the exceptions they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return errors


def list_all(client: Any, vc: str) -> list[dict[str, Any]]:
    sessions: list[dict[str, Any]] = []
    token = None
    while True:
        page = client.list_proxy_sessions(VoiceConnectorId=vc, MaxResults=7, **({"NextToken": token} if token else {}))
        sessions += page["ProxySessions"]
        token = page.get("NextToken")
        if not token:
            return sessions


def make_client(namespace: str, region: str = "us-east-1") -> Any:
    """A client of its own session (boto3's default session is not for sharing across threads)."""
    return boto3.session.Session().client(
        namespace, region_name=region, config=Config(retries={"max_attempts": 1, "mode": "standard"})
    )


@pytest.mark.parametrize("shared_connector", [True, False], ids=["one-connector", "a-connector-each"])
def test_threads_create_update_list_delete_at_once(shared_connector: bool) -> None:
    with ChimeProxyMock(seed=5) as mock:
        connectors = [
            mock.create_voice_connector(POOL if i == 0 else [f"+1816555{i:02d}{j:02d}" for j in range(6)])
            for i in range(1 if shared_connector else THREADS)
        ]
        clients = [make_client("chime-sdk-voice") for _ in range(THREADS)]
        created: list[list[str]] = [[] for _ in range(THREADS)]
        deleted: list[list[str]] = [[] for _ in range(THREADS)]
        calls = [0] * THREADS
        refusals: Counter[str] = Counter()
        calls_before = len(mock.calls)

        def work(i: int) -> None:
            client = clients[i]
            vc = connectors[i % len(connectors)]

            def call(method: str, **params: Any) -> Any:
                calls[i] += 1
                return getattr(client, method)(VoiceConnectorId=vc, **params)

            for r in range(ROUNDS):
                pair = [PARTICIPANTS[(i + r) % len(PARTICIPANTS)], PARTICIPANTS[(i + 2 * r + 1) % len(PARTICIPANTS)]]
                if pair[0] == pair[1]:
                    pair[1] = PARTICIPANTS[(PARTICIPANTS.index(pair[0]) + 1) % len(PARTICIPANTS)]
                try:
                    session = call(
                        "create_proxy_session",
                        ParticipantPhoneNumbers=pair,
                        Capabilities=["Voice"],
                        NumberSelectionBehavior="AvoidSticky" if r % 2 else "PreferSticky",
                    )["ProxySession"]
                except client.exceptions.BadRequestException as error:
                    assert "exhausted" in str(error), error  # the only legitimate refusal: a full pool
                    refusals["exhausted"] += 1
                    continue
                sid = session["ProxySessionId"]
                created[i].append(sid)
                updated = call(
                    "update_proxy_session", ProxySessionId=sid, Capabilities=["SMS", "Voice"], ExpiryMinutes=30 + r
                )["ProxySession"]
                assert updated["ExpiryMinutes"] == 30 + r and updated["Capabilities"] == ["SMS", "Voice"]
                assert call("get_proxy_session", ProxySessionId=sid)["ProxySession"]["ProxySessionId"] == sid
                listed = call("list_proxy_sessions")["ProxySessions"]
                assert sid in {s["ProxySessionId"] for s in listed}, "a session this thread created is missing"
                if r % 3 != 2:
                    call("delete_proxy_session", ProxySessionId=sid)
                    deleted[i].append(sid)

        monitor = Monitor(mock.backend)
        monitor.start()
        try:
            errors = run_threads(work)
        finally:
            monitor.done.set()
            monitor.join()

        assert errors == [], errors[:3]
        assert monitor.checks > 0 and monitor.violations == [], monitor.violations[:5]
        all_created = [sid for ids in created for sid in ids]
        assert len(all_created) == len(set(all_created)), "an id was handed out twice"
        assert len(all_created) > THREADS  # the threads really worked
        remaining = set(all_created) - {sid for ids in deleted for sid in ids}
        client = make_client("chime-sdk-voice")
        listed = [s for vc in connectors for s in list_all(client, vc)]
        assert sorted(s["ProxySessionId"] for s in listed) == sorted(remaining), "sessions lost or resurrected"
        for s in listed:
            got = client.get_proxy_session(VoiceConnectorId=s["VoiceConnectorId"], ProxySessionId=s["ProxySessionId"])
            assert got["ProxySession"] == s
        worker_calls = [c for c in mock.calls[calls_before:] if c.operation and "ProxySession" in c.operation]
        assert len(worker_calls) >= sum(calls), "recorded calls were lost"
        with mock.backend.lock:
            assert selection_violations(mock.backend) == []


def test_threads_in_both_namespaces_and_regions_share_one_fake() -> None:
    """Regional endpoints and namespaces at once: each thread sees exactly its own connector's sessions."""
    from pytest_chime_proxy.plugin import legacy_chime_available

    regions = ["us-east-1", "us-west-2", "eu-west-2", "ap-southeast-1"]
    with ChimeProxyMock(seed=9) as mock:
        connectors = [
            mock.create_voice_connector([f"+1913555{i}{j:02d}0" for j in range(3)], region=regions[i % 4])
            for i in range(THREADS)
        ]
        namespaces = ["chime" if legacy_chime_available() and i % 2 else "chime-sdk-voice" for i in range(THREADS)]
        clients = [make_client(namespaces[i], regions[i % 4]) for i in range(THREADS)]
        mine: list[set[str]] = [set() for _ in range(THREADS)]

        def work(i: int) -> None:
            client, vc = clients[i], connectors[i]
            for r in range(ROUNDS):
                pair = [f"+1401555{i:02d}{r:02d}", f"+1206555{i:02d}{r:02d}"]
                sid = client.create_proxy_session(
                    VoiceConnectorId=vc, ParticipantPhoneNumbers=pair, Capabilities=["SMS"]
                )["ProxySession"]["ProxySessionId"]
                mine[i].add(sid)
                seen = {s["ProxySessionId"] for s in list_all(client, vc)}
                assert seen == mine[i], "another thread's session leaked into this connector, or one was lost"

        errors = run_threads(work)
        assert errors == [], errors[:3]
        every = [sid for ids in mine for sid in ids]
        assert len(every) == len(set(every)) == THREADS * ROUNDS
        with mock.backend.lock:
            assert selection_violations(mock.backend) == []
