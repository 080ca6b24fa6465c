"""What the README states about the plugin's surface is checked against the code: the options (table,
``pytest --markers``, ini help, ``settings`` and ``options``), the error-message table, the paths it names,
and ``Capabilities=[]`` as the Assumptions section describes it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.core.options import DEFAULTS, INI_OPTIONS, NAMES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PAIR = ["+14015550101", "+12065550100"]


def _section(title: str) -> str:
    start = README.index(title)
    following = re.search(r"\n#{2,4} ", README[start + len(title) :])
    return README[start : start + len(title) + (following.start() if following else len(README))]


def test_the_options_table_lists_every_declared_option() -> None:
    table = _section("### `mock_chime_proxy` and `ChimeProxyMock`")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert set(NAMES) <= documented, f"options missing from the README's table: {set(NAMES) - documented}"
    for ini in INI_OPTIONS:
        assert f"`{ini}`" in README


def test_pytest_markers_and_help_come_from_the_declaration(pytester: pytest.Pytester) -> None:
    markers = pytester.runpytest_subprocess("--markers", "-p", "no:randomly").stdout.str()
    line = next(line for line in markers.splitlines() if "@pytest.mark.chime_proxy(" in line)
    for name in NAMES:
        assert f"{name}=" in line, f"{name} missing from `pytest --markers`"
    helped = pytester.runpytest_subprocess("--help", "-p", "no:randomly").stdout.str()
    for ini in INI_OPTIONS:
        assert ini in helped


def test_settings_are_in_force_and_options_as_given() -> None:
    mock = ChimeProxyMock(region="eu-west-1")
    assert mock.options == {"region": "eu-west-1"}
    assert mock.settings["region"] == "eu-west-1"
    assert {k: v for k, v in mock.settings.items() if k != "region"} == {
        k: v for k, v in DEFAULTS.items() if k != "region"
    }
    assert ChimeProxyMock().options == {}
    with pytest.raises(KeyError):
        ChimeProxyMock().options["region"]  # type: ignore[typeddict-item]  # as the README warns


def _package_text() -> str:
    """The package's source, with implicitly concatenated string literals joined (``"a "\\n  f"b"`` -> ``a b``)."""
    text = "\n".join(p.read_text() for p in (ROOT / "pytest_chime_proxy").rglob("*.py"))
    return re.sub(r"\"\s*\n\s*f?\"", "", text)


def test_every_message_in_the_error_table_is_the_fakes() -> None:
    table = _section("#### Error messages your code may parse")
    rows = [row for row in table.splitlines() if row.startswith("| ") and not row.startswith(("| when", "| ---"))]
    messages = [re.findall(r"`([^`]*)`", row.split(" | ")[1])[0] for row in rows if " | " in row]
    assert len(messages) >= 10
    source = _package_text()
    for message in messages:
        # the pieces between the table's "…" in order, on one line of the source (one message, not two)
        pieces = [re.escape(p.strip()) for p in message.split("…") if len(p.strip()) > 3]
        assert re.search(r"[^\n]*?".join(pieces), source), f"{message!r} (README's error table) is not in the package"


def test_paths_the_readme_names_exist() -> None:
    named = set(re.findall(r"`((?:pytest_chime_proxy|tests|scripts|tools|examples|docs|benchmarks)/[\w./-]+)`", README))
    assert named
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists() and "*" not in p)
    assert not missing, f"the README names paths that do not exist: {missing}"


def test_an_empty_capability_list_is_accepted_as_the_models_allow(chime_sdk_voice: Any, voice_connector: str) -> None:
    made = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=[]
    )["ProxySession"]
    assert (made["Capabilities"], made["Status"]) == ([], "Open")
    updated = chime_sdk_voice.update_proxy_session(
        VoiceConnectorId=voice_connector, ProxySessionId=made["ProxySessionId"], Capabilities=[]
    )["ProxySession"]
    assert updated["Capabilities"] == []
