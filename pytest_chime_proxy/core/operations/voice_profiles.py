"""Voice profile domains and voice profiles: Create/Get/List/Update/Delete of each (chime-sdk-voice only)."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import voice_profiles
from pytest_chime_proxy.core.domain.analytics_records import VoiceProfile, VoiceProfileDomain
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def domain_summary(d: VoiceProfileDomain) -> Data:
    return {
        "VoiceProfileDomainId": d.VoiceProfileDomainId,
        "VoiceProfileDomainArn": d.VoiceProfileDomainArn,
        "Name": d.Name,
        "Description": d.Description,
        "CreatedTimestamp": d.CreatedTimestamp,
        "UpdatedTimestamp": d.UpdatedTimestamp,
    }


def domain_data(d: VoiceProfileDomain) -> Data:
    return {**domain_summary(d), "ServerSideEncryptionConfiguration": {"KmsKeyArn": d.KmsKeyArn}}


def profile_data(p: VoiceProfile) -> Data:
    return {
        "VoiceProfileId": p.VoiceProfileId,
        "VoiceProfileArn": p.VoiceProfileArn,
        "VoiceProfileDomainId": p.VoiceProfileDomainId,
        "CreatedTimestamp": p.CreatedTimestamp,
        "UpdatedTimestamp": p.UpdatedTimestamp,
        "ExpirationTimestamp": p.ExpirationTimestamp,
    }


# ---- domains --------------------------------------------------------------------------------------------------
@operation("CreateVoiceProfileDomain")
def create_voice_profile_domain(scope: Scope, p: Data) -> Data:
    domain = voice_profiles.create_domain(
        scope,
        p["Name"],
        p["ServerSideEncryptionConfiguration"]["KmsKeyArn"],
        p.get("Description"),
        p.get("ClientRequestToken"),
        p.get("Tags"),
    )
    return {"VoiceProfileDomain": domain_data(domain)}


@operation("GetVoiceProfileDomain")
def get_voice_profile_domain(scope: Scope, p: Data) -> Data:
    return {"VoiceProfileDomain": domain_data(voice_profiles.get_domain(scope, p["VoiceProfileDomainId"]))}


@operation("ListVoiceProfileDomains")
def list_voice_profile_domains(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        voice_profiles.domains(scope),
        p,
        lambda d: f"{d.CreatedTimestamp.isoformat()}|{d.VoiceProfileDomainId}",
        model_cap(scope, "ListVoiceProfileDomains"),
    )
    return {"VoiceProfileDomains": [domain_summary(d) for d in page], "NextToken": token}


@operation("UpdateVoiceProfileDomain")
def update_voice_profile_domain(scope: Scope, p: Data) -> Data:
    domain = voice_profiles.update_domain(scope, p["VoiceProfileDomainId"], p.get("Name"), p.get("Description"))
    return {"VoiceProfileDomain": domain_data(domain)}


@operation("DeleteVoiceProfileDomain")
def delete_voice_profile_domain(scope: Scope, p: Data) -> None:
    voice_profiles.delete_domain(scope, p["VoiceProfileDomainId"])


# ---- profiles -------------------------------------------------------------------------------------------------
@operation("CreateVoiceProfile")
def create_voice_profile(scope: Scope, p: Data) -> Data:
    return {"VoiceProfile": profile_data(voice_profiles.create_profile(scope, p["SpeakerSearchTaskId"]))}


@operation("GetVoiceProfile")
def get_voice_profile(scope: Scope, p: Data) -> Data:
    return {"VoiceProfile": profile_data(voice_profiles.get_profile(scope, p["VoiceProfileId"]))}


@operation("ListVoiceProfiles")
def list_voice_profiles(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        voice_profiles.profiles(scope, p["VoiceProfileDomainId"]),
        p,
        lambda v: f"{v.CreatedTimestamp.isoformat()}|{v.VoiceProfileId}",
        model_cap(scope, "ListVoiceProfiles"),
    )
    return {"VoiceProfiles": [profile_data(v) for v in page], "NextToken": token}


@operation("UpdateVoiceProfile")
def update_voice_profile(scope: Scope, p: Data) -> Data:
    profile = voice_profiles.update_profile(scope, p["VoiceProfileId"], p["SpeakerSearchTaskId"])
    return {"VoiceProfile": profile_data(profile)}


@operation("DeleteVoiceProfile")
def delete_voice_profile(scope: Scope, p: Data) -> None:
    voice_profiles.delete_profile(scope, p["VoiceProfileId"])
