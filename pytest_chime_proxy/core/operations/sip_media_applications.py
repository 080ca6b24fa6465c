"""SIP media applications: CRUD, logging and Alexa Skill configuration, and the calls placed through them."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import sip_media_applications as smas
from pytest_chime_proxy.core.domain.call_routing_records import SipMediaApplication
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def application_data(a: SipMediaApplication) -> Data:
    return {
        "SipMediaApplicationId": a.SipMediaApplicationId,
        "AwsRegion": a.AwsRegion,
        "Name": a.Name,
        "Endpoints": a.Endpoints,
        "CreatedTimestamp": a.CreatedTimestamp,
        "UpdatedTimestamp": a.UpdatedTimestamp,
        "SipMediaApplicationArn": a.SipMediaApplicationArn,
    }


@operation("CreateSipMediaApplication")
def create_sip_media_application(scope: Scope, p: Data) -> Data:
    app = smas.create(scope, p["AwsRegion"], p["Name"], p["Endpoints"], p.get("Tags"))
    return {"SipMediaApplication": application_data(app)}


@operation("GetSipMediaApplication")
def get_sip_media_application(scope: Scope, p: Data) -> Data:
    return {"SipMediaApplication": application_data(smas.get(scope, p["SipMediaApplicationId"]))}


@operation("ListSipMediaApplications")
def list_sip_media_applications(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        smas.visible(scope),
        p,
        lambda a: f"{a.CreatedTimestamp.isoformat()}|{a.SipMediaApplicationId}",
        model_cap(scope, "ListSipMediaApplications"),
    )
    return {"SipMediaApplications": [application_data(a) for a in page], "NextToken": token}


@operation("UpdateSipMediaApplication")
def update_sip_media_application(scope: Scope, p: Data) -> Data:
    app = smas.update(scope, p["SipMediaApplicationId"], p.get("Name"), p.get("Endpoints"))
    return {"SipMediaApplication": application_data(app)}


@operation("DeleteSipMediaApplication")
def delete_sip_media_application(scope: Scope, p: Data) -> None:
    smas.delete(scope, p["SipMediaApplicationId"])


@operation("PutSipMediaApplicationLoggingConfiguration")
def put_sip_media_application_logging_configuration(scope: Scope, p: Data) -> Data:
    config = smas.put_logging(scope, p["SipMediaApplicationId"], p.get("SipMediaApplicationLoggingConfiguration"))
    return {"SipMediaApplicationLoggingConfiguration": config}


@operation("GetSipMediaApplicationLoggingConfiguration")
def get_sip_media_application_logging_configuration(scope: Scope, p: Data) -> Data:
    return {"SipMediaApplicationLoggingConfiguration": smas.get_logging(scope, p["SipMediaApplicationId"])}


@operation("PutSipMediaApplicationAlexaSkillConfiguration")
def put_sip_media_application_alexa_skill_configuration(scope: Scope, p: Data) -> None:
    smas.alexa_skill_configuration(scope, p["SipMediaApplicationId"])


@operation("GetSipMediaApplicationAlexaSkillConfiguration")
def get_sip_media_application_alexa_skill_configuration(scope: Scope, p: Data) -> None:
    smas.alexa_skill_configuration(scope, p["SipMediaApplicationId"])


@operation("CreateSipMediaApplicationCall")
def create_sip_media_application_call(scope: Scope, p: Data) -> Data:
    call = smas.create_call(
        scope,
        p["SipMediaApplicationId"],
        p["FromPhoneNumber"],
        p["ToPhoneNumber"],
        p.get("SipHeaders"),
        p.get("ArgumentsMap"),
    )
    return {"SipMediaApplicationCall": {"TransactionId": call.TransactionId}}


@operation("UpdateSipMediaApplicationCall")
def update_sip_media_application_call(scope: Scope, p: Data) -> Data:
    call = smas.update_call(scope, p["SipMediaApplicationId"], p["TransactionId"], p["Arguments"])
    return {"SipMediaApplicationCall": {"TransactionId": call.TransactionId}}
