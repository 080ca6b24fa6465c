"""The phone-number inventory: orders, numbers, search, and their association with voice connectors."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import number_search, phone_numbers
from pytest_chime_proxy.core.domain.model import PhoneNumber, PhoneNumberOrder
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def phone_number_data(n: PhoneNumber, account: str) -> Data:
    voice = n.ProductType == "VoiceConnector"
    return {
        "PhoneNumberId": n.PhoneNumberId,
        "E164PhoneNumber": n.E164PhoneNumber,
        "Country": n.Country,
        "PhoneNumberArn": f"arn:aws:chime:us-east-1:{account}:phone-number/{n.E164PhoneNumber}",
        "Type": n.Type,
        "ProductType": n.ProductType,
        "Status": n.Status,
        "Capabilities": {
            "InboundCall": True,
            "OutboundCall": True,
            "InboundSMS": voice,
            "OutboundSMS": voice,
            "InboundMMS": voice,
            "OutboundMMS": voice,
        },
        "Associations": [
            {"Name": name, "Value": value, "AssociatedTimestamp": n.AssociatedTimestamp}
            for name, value in ([n.association] if n.association else [])
        ],
        "CallingName": n.CallingName,
        "CallingNameStatus": n.CallingNameStatus,
        "CreatedTimestamp": n.CreatedTimestamp,
        "UpdatedTimestamp": n.UpdatedTimestamp,
        "DeletionTimestamp": n.DeletionTimestamp,
        "OrderId": n.OrderId,
        "Name": n.Name,
    }


def order_data(o: PhoneNumberOrder) -> Data:
    return {
        "PhoneNumberOrderId": o.PhoneNumberOrderId,
        "ProductType": o.ProductType,
        "Status": o.Status,
        "OrderType": "New",
        "OrderedPhoneNumbers": [{"E164PhoneNumber": n, "Status": s} for n, s in o.OrderedPhoneNumbers],
        "CreatedTimestamp": o.CreatedTimestamp,
        "UpdatedTimestamp": o.UpdatedTimestamp,
        "FocDate": None,
    }


def errors_data(errors: list[tuple[str, str, str]]) -> Data:
    """PhoneNumberErrors as the models shape them: the id as given, the ErrorCode enum, a message."""
    return {"PhoneNumberErrors": [{"PhoneNumberId": n, "ErrorCode": c, "ErrorMessage": m} for n, c, m in errors]}


@operation("CreatePhoneNumberOrder")
def create_phone_number_order(scope: Scope, p: Data) -> Data:
    order = phone_numbers.order(
        scope, p["E164PhoneNumbers"], p["ProductType"], p.get("Name"), scope.backend.order_delay
    )
    return {"PhoneNumberOrder": order_data(order)}


@operation("GetPhoneNumberOrder")
def get_phone_number_order(scope: Scope, p: Data) -> Data:
    return {"PhoneNumberOrder": order_data(phone_numbers.get_order(scope, p["PhoneNumberOrderId"]))}


@operation("ListPhoneNumberOrders")
def list_phone_number_orders(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        phone_numbers.list_orders(scope),
        p,
        lambda o: f"{o.CreatedTimestamp.isoformat()}|{o.PhoneNumberOrderId}",
        model_cap(scope, "ListPhoneNumberOrders"),
    )
    return {"PhoneNumberOrders": [order_data(o) for o in page], "NextToken": token}


@operation("ListPhoneNumbers")
def list_phone_numbers(scope: Scope, p: Data) -> Data:
    numbers = phone_numbers.list_numbers(
        scope, p.get("Status"), p.get("ProductType"), p.get("FilterName"), p.get("FilterValue")
    )
    page, token = paginate(numbers, p, lambda n: n.E164PhoneNumber, model_cap(scope, "ListPhoneNumbers"))
    return {"PhoneNumbers": [phone_number_data(n, scope.account.account_id) for n in page], "NextToken": token}


@operation("GetPhoneNumber")
def get_phone_number(scope: Scope, p: Data) -> Data:
    number = phone_numbers.get(scope, p["PhoneNumberId"])
    return {"PhoneNumber": phone_number_data(number, scope.account.account_id)}


@operation("DeletePhoneNumber")
def delete_phone_number(scope: Scope, p: Data) -> None:
    phone_numbers.delete(scope, p["PhoneNumberId"])


@operation("AssociatePhoneNumbersWithVoiceConnector")
def associate_phone_numbers_with_voice_connector(scope: Scope, p: Data) -> Data:
    return errors_data(
        phone_numbers.associate(scope, p["VoiceConnectorId"], p["E164PhoneNumbers"], bool(p.get("ForceAssociate")))
    )


@operation("DisassociatePhoneNumbersFromVoiceConnector")
def disassociate_phone_numbers_from_voice_connector(scope: Scope, p: Data) -> Data:
    return errors_data(phone_numbers.disassociate(scope, p["VoiceConnectorId"], p["E164PhoneNumbers"]))


@operation("SearchAvailablePhoneNumbers")
def search_available_phone_numbers(scope: Scope, p: Data) -> Data:
    owned = scope.account.phone_numbers
    numbers = [
        n
        for n in number_search.search(
            p.get("Country"),
            p.get("AreaCode"),
            p.get("City"),
            p.get("State"),
            p.get("TollFreePrefix"),
            p.get("PhoneNumberType"),
        )
        if n not in owned
    ]
    page, token = paginate(numbers, p, lambda n: n, model_cap(scope, "SearchAvailablePhoneNumbers"), ordered=True)
    return {"E164PhoneNumbers": page, "NextToken": token}
