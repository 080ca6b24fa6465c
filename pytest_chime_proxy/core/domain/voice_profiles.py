"""Voice profile domains and the voice profiles enrolled in them from speaker search tasks.

Rules (sources in the README's Assumptions): a domain is encrypted with the KMS key given at creation;
deleting a domain deletes its voice profiles; a profile is enrolled from a speaker search task's voice
print within 24 hours of the call's end, and expires three years after it was enrolled or last updated;
UpdateVoiceProfile re-enrolls it (a new voice print from a speaker search in the same domain).
"""

from __future__ import annotations

from datetime import datetime

from pytest_chime_proxy.core.domain import tags, voice_analytics
from pytest_chime_proxy.core.domain.analytics_records import VoiceProfile, VoiceProfileDomain
from pytest_chime_proxy.core.domain.errors import BadRequest, Conflict, NotFound
from pytest_chime_proxy.core.domain.state import Scope

PROFILE_LIFETIME_YEARS = 3


def _years_later(when: datetime, years: int) -> datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def _arn(scope: Scope, kind: str, resource_id: str) -> str:
    return f"arn:aws:chime:{scope.region}:{scope.account.account_id}:{kind}/{resource_id}"


# ---- domains --------------------------------------------------------------------------------------------------
def create_domain(
    scope: Scope,
    name: str,
    kms_key_arn: str,
    description: str | None = None,
    token: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> VoiceProfileDomain:
    request = (name, kms_key_arn, description, tags)
    state = voice_analytics.analytics(scope)
    again = voice_analytics._idempotent(scope, "CreateVoiceProfileDomain", token, request)
    if again is not None and again in state.domains:
        return state.domains[again]
    keys = [tag["Key"] for tag in tags or []]
    if len(set(keys)) != len(keys):
        raise BadRequest("Tags: each tag key may appear only once")
    now = scope.now
    domain_id = scope.backend.new_uuid()
    domain = VoiceProfileDomain(
        VoiceProfileDomainId=domain_id,
        VoiceProfileDomainArn=_arn(scope, "voice-profile-domain", domain_id),
        Name=name,
        KmsKeyArn=kms_key_arn,
        CreatedTimestamp=now,
        UpdatedTimestamp=now,
        region=scope.region,
        Description=description,
        tags={tag["Key"]: tag["Value"] for tag in tags or []},
    )
    state.domains[domain_id] = domain
    voice_analytics._remember(scope, "CreateVoiceProfileDomain", token, request, domain_id)
    return domain


def get_domain(scope: Scope, domain_id: str) -> VoiceProfileDomain:
    domain = voice_analytics.analytics(scope).domains.get(domain_id)
    if domain is None or domain.region != scope.region:
        raise NotFound(f"Could not find VoiceProfileDomain with Id '{domain_id}'")
    return domain


def find_by_arn(scope: Scope, arn: str) -> VoiceProfileDomain | None:
    """The voice profile domain this endpoint sees with ``arn`` (for an ARN resolver, e.g. TagResource)."""
    for domain in voice_analytics.analytics(scope).domains.values():
        if domain.VoiceProfileDomainArn == arn and domain.region == scope.region:
            return domain
    return None


def domains(scope: Scope) -> list[VoiceProfileDomain]:
    return sorted(
        (d for d in voice_analytics.analytics(scope).domains.values() if d.region == scope.region),
        key=lambda d: (d.CreatedTimestamp, d.VoiceProfileDomainId),
    )


def update_domain(scope: Scope, domain_id: str, name: str | None, description: str | None) -> VoiceProfileDomain:
    domain = get_domain(scope, domain_id)
    if name is not None:
        domain.Name = name
    if description is not None:
        domain.Description = description
    domain.UpdatedTimestamp = scope.now
    return domain


def delete_domain(scope: Scope, domain_id: str) -> None:
    """The domain goes, and every voice profile in it (Administrator Guide, "Deleting voice profile domains")."""
    get_domain(scope, domain_id)
    state = voice_analytics.analytics(scope)
    for profile_id in [p.VoiceProfileId for p in state.profiles.values() if p.VoiceProfileDomainId == domain_id]:
        del state.profiles[profile_id]
    del state.domains[domain_id]


# ---- profiles -------------------------------------------------------------------------------------------------
def create_profile(scope: Scope, task_id: str) -> VoiceProfile:
    task, voice = voice_analytics.voiceprint_of(scope, task_id)
    assert task.VoiceProfileDomainId is not None
    domain = get_domain(scope, task.VoiceProfileDomainId)
    state = voice_analytics.analytics(scope)
    for profile in state.profiles.values():
        if profile.VoiceProfileDomainId == domain.VoiceProfileDomainId and profile.enrolled_from == task_id:
            raise Conflict(
                f"Voice profile {profile.VoiceProfileId} was already enrolled from speaker search task "
                f"'{task_id}'; use UpdateVoiceProfile to re-enroll it"
            )
    now = scope.now
    profile_id = scope.backend.new_uuid()
    profile = VoiceProfile(
        VoiceProfileId=profile_id,
        VoiceProfileArn=_arn(scope, "voice-profile", profile_id),
        VoiceProfileDomainId=domain.VoiceProfileDomainId,
        CreatedTimestamp=now,
        UpdatedTimestamp=now,
        ExpirationTimestamp=_years_later(now, PROFILE_LIFETIME_YEARS),
        region=scope.region,
        voice=voice,
        enrolled_from=task_id,
    )
    state.profiles[profile_id] = profile
    return profile


def get_profile(scope: Scope, profile_id: str) -> VoiceProfile:
    profile = voice_analytics.analytics(scope).profiles.get(profile_id)
    if profile is None or profile.region != scope.region:
        raise NotFound(f"Could not find VoiceProfile with Id '{profile_id}'")
    return profile


def profiles(scope: Scope, domain_id: str) -> list[VoiceProfile]:
    get_domain(scope, domain_id)
    return sorted(
        (p for p in voice_analytics.analytics(scope).profiles.values() if p.VoiceProfileDomainId == domain_id),
        key=lambda p: (p.CreatedTimestamp, p.VoiceProfileId),
    )


def update_profile(scope: Scope, profile_id: str, task_id: str) -> VoiceProfile:
    """Re-enroll: a new voice print, and three more years."""
    profile = get_profile(scope, profile_id)
    task, voice = voice_analytics.voiceprint_of(scope, task_id)
    if task.VoiceProfileDomainId != profile.VoiceProfileDomainId:
        raise BadRequest(
            f"Speaker search task '{task_id}' ran in voice profile domain '{task.VoiceProfileDomainId}', not in "
            f"'{profile.VoiceProfileDomainId}' where voice profile {profile_id} is"
        )
    now = scope.now
    profile.voice, profile.enrolled_from = voice, task_id
    profile.UpdatedTimestamp = now
    profile.ExpirationTimestamp = _years_later(now, PROFILE_LIFETIME_YEARS)
    return profile


def delete_profile(scope: Scope, profile_id: str) -> None:
    get_profile(scope, profile_id)
    del voice_analytics.analytics(scope).profiles[profile_id]


def _domain_by_id(scope: Scope, domain_id: str) -> VoiceProfileDomain | None:
    domain = voice_analytics.analytics(scope).domains.get(domain_id)
    return domain if domain is not None and domain.region == scope.region else None


tags.register("voice-profile-domain", _domain_by_id)
