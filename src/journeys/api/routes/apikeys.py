"""API keys, for admins: list, create (the key is in the creation response only) and revoke."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.models.base import RequestModel
from journeys.api.params import RowId
from journeys.services import auth
from journeys.services.auth import Principal, Role

router = APIRouter(tags=["api keys"])


class ApiKey(BaseModel):
    id: int
    name: str
    # The key's first characters after `jrn_`, so that people can tell keys apart; not a secret.
    prefix: str
    role: Role
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewApiKey(RequestModel):
    name: str = Field(min_length=1, max_length=200, description="Who or what uses the key, such as 'nightly import'.")
    role: Role


class CreatedApiKey(ApiKey):
    key: str = Field(description="The key itself, shown only in this response; send it as 'Authorization: Bearer <key>'.")


@router.get("/api/apikeys", response_model=list[ApiKey])
def list_api_keys(engine: Engine = Depends(deps.engine), _: Principal = Depends(security.admin)) -> list[dict]:  # type: ignore[type-arg]
    """List every API key, revoked ones included; never the keys themselves."""
    return auth.list_api_keys(engine)


@router.post("/api/apikeys", response_model=CreatedApiKey, status_code=201)
def create_api_key(body: NewApiKey, request: Request, principal: Principal = Depends(security.admin)) -> CreatedApiKey:
    """Create an API key; the response is the only place the key appears."""
    record, key = auth.create_api_key(
        deps.engine(request), name=body.name, role=body.role, created_by=principal.user_id, now=deps.now(request)
    )
    return CreatedApiKey(**record, key=key)


@router.delete("/api/apikeys/{key_id}", status_code=204, response_class=Response)
def revoke_api_key(key_id: RowId, request: Request, _: Principal = Depends(security.admin)) -> Response:
    """Revoke an API key; requests that carry it get 401 from then on."""
    auth.revoke_api_key(deps.engine(request), key_id, now=deps.now(request))
    return Response(status_code=204)
