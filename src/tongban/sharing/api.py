"""Profiles in the JSON API: my own, and a case applicant's for staff handling the case."""

from __future__ import annotations

from fastapi import APIRouter

from tongban.accounts.deps import CurrentApplicant, CurrentStaff
from tongban.sharing import profiles
from tongban.sharing.schemas import ProfileRead, ProfileRequest
from tongban.web.deps import NowDep, SessionDep

router = APIRouter(tags=["profiles"])


@router.get("/profiles/me")
def my_profiles(session: SessionDep, user: CurrentApplicant, now: NowDep) -> list[ProfileRead]:
    """My profiles (person; and enterprise for an enterprise account) with their e-licences
    and the access log."""
    return [ProfileRead.of(p) for p in profiles.profiles_of(session, user=user, now=now)]


@router.post("/cases/{number}/profile")
def case_profile(
    number: str, body: ProfileRequest, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ProfileRead:
    """The case applicant's profile for staff of a department handling it; logged."""
    found = profiles.view_for_case(session, user=user, number=number, purpose=body.purpose, now=now)
    return ProfileRead.of(found)
