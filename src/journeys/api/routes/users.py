"""User accounts, for admins: list, create, change role or password, delete, and sign-in links.

No response carries a password hash. A user created without a password gets a
one-time sign-in link in the creation response, to pass on to that person.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.models.base import RequestModel
from journeys.api.params import RowId
from journeys.services import auth, users
from journeys.services.auth import Principal, Role

router = APIRouter(tags=["users"])


class User(BaseModel):
    id: int
    email: str
    role: Role
    has_password: bool
    created_at: datetime


class NewUser(RequestModel):
    email: str = Field(max_length=320)
    role: Role
    # Without a password the user signs in by the one-time link in the response.
    password: str | None = Field(None, max_length=1024)


class CreatedUser(User):
    sign_in_link: str | None = Field(None, description="A one-time sign-in link, when the user has no password.")


class UserChanges(RequestModel):
    role: Role | None = None
    password: str | None = Field(None, max_length=1024)


class SignInLink(BaseModel):
    sign_in_link: str
    expires_at: datetime


@router.get("/api/users", response_model=list[User])
def list_users(engine: Engine = Depends(deps.engine), _: Principal = Depends(security.admin)) -> list[dict]:  # type: ignore[type-arg]
    return users.list_users(engine)


@router.post("/api/users", response_model=CreatedUser, status_code=201)
def create_user(body: NewUser, request: Request, _: Principal = Depends(security.admin)) -> CreatedUser:
    engine, now = deps.engine(request), deps.now(request)
    user = auth.create_user(engine, body.email, role=body.role, password=body.password, now=now)
    link = None
    if body.password is None:
        link = auth.sign_in_url(deps.config(request).public_url, auth.create_sign_in_link(engine, user["id"], now=now))
    return CreatedUser(**user, sign_in_link=link)


@router.get("/api/users/{user_id}", response_model=User)
def get_user(user_id: RowId, engine: Engine = Depends(deps.engine), _: Principal = Depends(security.admin)) -> dict:  # type: ignore[type-arg]
    return users.get_user(engine, user_id)


@router.patch("/api/users/{user_id}", response_model=User)
def change_user(
    user_id: RowId, body: UserChanges, request: Request, principal: Principal = Depends(security.admin)
) -> dict:  # type: ignore[type-arg]
    """Change a user's role or password; a new password ends that user's other sessions."""
    engine = deps.engine(request)
    users.get_user(engine, user_id)
    if body.password is not None:
        # Checked before the role changes, so that a short password changes nothing.
        auth.check_password(body.password)
    if body.role is not None:
        users.change_role(engine, user_id, body.role)
    if body.password is not None:
        # An admin who changes their own password stays signed in on this browser.
        own = request.cookies.get(security.SESSION_COOKIE) if principal.user_id == user_id else None
        auth.set_password(engine, user_id, body.password, keep_session=own)
    return users.get_user(engine, user_id)


@router.delete("/api/users/{user_id}", status_code=204, response_class=Response)
def delete_user(user_id: RowId, engine: Engine = Depends(deps.engine), _: Principal = Depends(security.admin)) -> Response:
    """Delete a user and end their sessions; the last admin cannot be deleted."""
    users.delete_user(engine, user_id)
    return Response(status_code=204)


@router.post("/api/users/{user_id}/sign-in-link", response_model=SignInLink, status_code=201)
def create_sign_in_link(user_id: RowId, request: Request, _: Principal = Depends(security.admin)) -> SignInLink:
    """Make a new one-time sign-in link for a user, such as one who lost their password; older links stop working."""
    engine, now = deps.engine(request), deps.now(request)
    token = auth.create_sign_in_link(engine, user_id, now=now)
    return SignInLink(sign_in_link=auth.sign_in_url(deps.config(request).public_url, token), expires_at=now + auth.SIGN_IN_LINK_LIFETIME)
