"""What the service offers the account: ListSupportedPhoneNumberCountries, ListAvailableVoiceConnectorRegions,
and the account's Get/UpdateGlobalSettings."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import catalog
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.registry import Data, operation
from pytest_chime_proxy.core.wire import spec as _spec


@operation("ListSupportedPhoneNumberCountries")
def list_supported_phone_number_countries(scope: Scope, p: Data) -> Data:
    return {
        "PhoneNumberCountries": [
            {"CountryCode": country, "SupportedPhoneNumberTypes": types}
            for country, types in catalog.supported_countries(p["ProductType"])
        ]
    }


@operation("ListAvailableVoiceConnectorRegions")
def list_available_voice_connector_regions(scope: Scope, p: Data) -> Data:
    """The Regions the namespace's model allows a voice connector in (its VoiceConnectorAwsRegion enum)."""
    return {"VoiceConnectorRegions": list(_spec.load(scope.namespace).shape("VoiceConnectorAwsRegion")["enum"])}


def _kinds(scope: Scope) -> tuple[str, ...]:
    """The settings kinds the namespace's GetGlobalSettings answers (legacy: BusinessCalling and VoiceConnector)."""
    model = _spec.load(scope.namespace)
    output = model.operations["GetGlobalSettings"].output or ""
    return tuple(model.shape(output)["members"])


@operation("GetGlobalSettings")
def get_global_settings(scope: Scope, p: Data) -> Data:
    return catalog.global_settings(scope, _kinds(scope))


@operation("UpdateGlobalSettings")
def update_global_settings(scope: Scope, p: Data) -> None:
    catalog.update_global_settings(scope, {kind: p[kind] for kind in _kinds(scope) if kind in p})
