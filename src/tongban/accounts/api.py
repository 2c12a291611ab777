"""JSON API for registration, sign-in and the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request

from tongban.accounts import password_change, signin
from tongban.accounts.deps import CurrentUser, source_of, token_of
from tongban.accounts.models import User
from tongban.accounts.schemas import ApplicantCreate, PasswordChange, SignIn, TokenRead, UserRead
from tongban.web.deps import NowDep, RuntimeDep, SessionDep

router = APIRouter(tags=["accounts"])


def user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        kind=user.kind,
        display_name=user.display_name,
        department_code=user.department_code,
        roles=sorted(user.roles),
        enterprise_name=user.enterprise_name,
        credit_code=user.credit_code,
    )


@router.post("/auth/register", status_code=201)
def register(
    body: ApplicantCreate, request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep
) -> UserRead:
    """Register a natural person or an enterprise agent (password policy and a limit per
    network address: ``accounts.signin.register``)."""
    user = signin.register(
        session, data=body, settings=runtime.settings, source=source_of(request), now=now
    )
    return user_read(user)


@router.post("/auth/login")
def login(body: SignIn, request: Request, runtime: RuntimeDep, now: NowDep) -> TokenRead:
    """Exchange a username and password for a bearer token; 429 with ``Retry-After`` while
    the username is locked or the address tries too often (``accounts.signin``); 401
    ``second_factor_required`` when the account's authenticator code is due, and
    ``second_factor_enrolment`` when a staff account must first enrol one on the sign-in page."""
    _, token = signin.sign_in(
        runtime,
        username=body.username,
        password=body.password,
        second=body.second_factor,
        source=source_of(request),
        now=now,
    )
    return TokenRead(access_token=token, expires_in=runtime.settings.session_hours * 3600)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, session: SessionDep, user: CurrentUser, now: NowDep) -> None:
    """End this token's session."""
    token = token_of(request)
    if token:
        signin.sign_out(session, token=token, now=now, source=source_of(request))


@router.get("/me")
def me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return user_read(user)


@router.post("/me/password", status_code=204)
def change_password(
    body: PasswordChange,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: CurrentUser,
    now: NowDep,
) -> None:
    """Change the signed-in user's password (``accounts.password_change.change_password``): 422 for
    a wrong current password or a new one the profile refuses; wrong current passwords count
    toward the sign-in lock (then 429 with ``Retry-After``). Every other session of the
    account ends. The one call, with sign-out, open to a user whose password has expired
    (elsewhere 403 ``password_expired``)."""
    password_change.change_password(
        session,
        user=user,
        current=body.current_password,
        new=body.new_password,
        token=token_of(request),
        settings=runtime.settings,
        now=now,
        source=source_of(request),
    )
