"""A small number-masking app: riders and drivers call and text each other through a proxy number.

It is what pytest-chime-proxy is for: ordinary application code on boto3's ``chime-sdk-voice`` client, with
no test hooks of its own. ``examples/test_masking_app.py`` tests it against the fake.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError


class NoProxyNumberAvailable(RuntimeError):
    """Every number of the pool is already masking one of the two parties (or none is in their area)."""


@dataclass(frozen=True)
class MaskedRide:
    """A ride whose rider and driver reach each other through ``proxy_number``."""

    ride_id: str
    session_id: str
    proxy_number: str
    expires_in_minutes: int


def provision(
    client: Any,
    numbers: Iterable[str],
    *,
    name: str = "rides",
    countries: Iterable[str] = ("US",),
    default_minutes: int = 60,
    poll_seconds: float = 15,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Set up an account for masking, the way an operator does it once: order the numbers and wait for the
    order to complete (orders are Processing for a while), create a voice connector, associate the numbers
    with it and turn the proxy on. Returns the voice connector id."""
    numbers = list(numbers)
    order = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=numbers)
    order_id = order["PhoneNumberOrder"]["PhoneNumberOrderId"]
    while order["PhoneNumberOrder"]["Status"] == "Processing":
        sleep(poll_seconds)
        order = client.get_phone_number_order(PhoneNumberOrderId=order_id)
    if order["PhoneNumberOrder"]["Status"] != "Successful":
        raise RuntimeError(
            f"the phone number order ended {order['PhoneNumberOrder']['Status']}: "
            f"{order['PhoneNumberOrder']['OrderedPhoneNumbers']}"
        )
    vc = client.create_voice_connector(Name=name, RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"]
    errors = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=numbers)
    if errors["PhoneNumberErrors"]:
        raise RuntimeError(f"could not associate numbers: {errors['PhoneNumberErrors']}")
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=default_minutes, PhoneNumberPoolCountries=list(countries)
    )
    return vc


class MaskingService:
    """Starts, extends, ends and lists masked rides on one voice connector."""

    def __init__(self, client: Any, voice_connector_id: str) -> None:
        self.client = client
        self.voice_connector_id = voice_connector_id

    def start_ride(
        self,
        ride_id: str,
        rider: str,
        driver: str,
        *,
        minutes: int | None = None,
        local: bool = False,
        sms: bool = True,
    ) -> MaskedRide:
        """Open a proxy session for the ride; ``local`` asks for a number in the rider's area code."""
        request: dict[str, Any] = {
            "VoiceConnectorId": self.voice_connector_id,
            "ParticipantPhoneNumbers": [rider, driver],
            "Capabilities": ["Voice", "SMS"] if sms else ["Voice"],
            "Name": _session_name(ride_id),
            "NumberSelectionBehavior": "PreferSticky",
        }
        if minutes is not None:
            request["ExpiryMinutes"] = minutes
        if local:
            request["GeoMatchLevel"] = "AreaCode"
        try:
            session = self.client.create_proxy_session(**request)["ProxySession"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "BadRequestException":
                raise NoProxyNumberAvailable(error.response["Error"]["Message"]) from error
            raise
        return _ride(ride_id, session)

    def extend(self, ride: MaskedRide, minutes: int) -> MaskedRide:
        """Give the ride ``minutes`` in all (counted from its start)."""
        session = self.client.update_proxy_session(
            VoiceConnectorId=self.voice_connector_id,
            ProxySessionId=ride.session_id,
            Capabilities=["Voice", "SMS"],
            ExpiryMinutes=minutes,
        )["ProxySession"]
        return _ride(ride.ride_id, session)

    def status(self, ride: MaskedRide) -> str | None:
        """Open, InProgress or Closed; None once the ride has been ended."""
        try:
            session = self.client.get_proxy_session(
                VoiceConnectorId=self.voice_connector_id, ProxySessionId=ride.session_id
            )["ProxySession"]
        except self.client.exceptions.NotFoundException:
            return None
        return session["Status"]

    def end_ride(self, ride: MaskedRide) -> None:
        """Stop masking: the proxy number no longer connects the two."""
        self.client.delete_proxy_session(VoiceConnectorId=self.voice_connector_id, ProxySessionId=ride.session_id)

    def active_rides(self, page_size: int = 50) -> list[str]:
        """The ride ids of every open session, across pages."""
        return [_ride_id(s["Name"]) for s in self._sessions("Open", page_size)]

    def _sessions(self, status: str, page_size: int) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "VoiceConnectorId": self.voice_connector_id,
            "Status": status,
            "MaxResults": page_size,
        }
        while True:
            page = self.client.list_proxy_sessions(**kwargs)
            yield from page["ProxySessions"]
            if not page.get("NextToken"):
                return
            kwargs["NextToken"] = page["NextToken"]


def _session_name(ride_id: str) -> str:
    """Session names allow letters, digits and spaces only (up to 30)."""
    return "ride " + "".join(c for c in ride_id if c.isalnum())[:25]


def _ride_id(name: str) -> str:
    return name.removeprefix("ride ")


def _ride(ride_id: str, session: dict[str, Any]) -> MaskedRide:
    return MaskedRide(
        ride_id, session["ProxySessionId"], session["Participants"][0]["ProxyPhoneNumber"], session["ExpiryMinutes"]
    )
