"""Sender numbers and voice agents: everyone signed in reads them, admins change them.

An agent's webhook secret is write-only: responses carry `has_webhook_secret`
instead. A number or agent that a journey uses cannot be removed.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.models.base import RequestModel
from journeys.services import registry
from journeys.services.auth import Principal

router = APIRouter(tags=["registry"])


class Number(BaseModel):
    number: str
    label: str | None
    calls_per_second: float
    created_at: datetime


class NewNumber(RequestModel):
    number: str = Field(max_length=50, description="The number in E.164, such as +12025550100.")
    label: str | None = Field(None, max_length=200)
    calls_per_second: float = Field(1.0, description="Calls and SMS per second from this number.")


class Agent(BaseModel):
    name: str
    description: str | None
    stream_url: str | None
    sip_uri: str | None
    webhook_url: str | None
    has_webhook_secret: bool
    created_at: datetime


class AgentEndpoints(RequestModel):
    stream_url: str | None = Field(None, description="A wss:// media stream URL, for calls through Twilio.")
    sip_uri: str | None = Field(None, description="A sip: URI, for calls through Twilio.")
    webhook_url: str | None = Field(
        None, description="The URL the webhook provider POSTs call requests to; JOURNEYS_WEBHOOK_ALLOWED_HOSTS limits it."
    )
    webhook_secret: str | None = Field(
        None, description="The secret that signs webhook requests, at least 16 characters; never returned."
    )


class NewAgent(AgentEndpoints):
    name: str
    description: str | None = None


class AgentChanges(AgentEndpoints):
    """Fields to change; fields left out keep their values, and null or "" clears one."""

    description: str | None = None


@router.get("/api/numbers", response_model=list[Number])
def list_numbers(engine: Engine = Depends(deps.engine), _: Principal = Depends(security.viewer)) -> list[dict]:  # type: ignore[type-arg]
    return registry.list_numbers(engine)


@router.post("/api/numbers", response_model=Number, status_code=201)
def add_number(body: NewNumber, request: Request, _: Principal = Depends(security.admin)) -> dict:  # type: ignore[type-arg]
    row = registry.add_number(
        deps.engine(request), body.number, label=body.label, calls_per_second=body.calls_per_second, now=deps.now(request)
    )
    return registry.public_number(row)


@router.delete("/api/numbers/{number}", status_code=204, response_class=Response)
def remove_number(number: str, engine: Engine = Depends(deps.engine), _: Principal = Depends(security.admin)) -> Response:
    """Remove a sender number that no journey uses; write + as %2B or leave it as it is."""
    registry.remove_number(engine, number)
    return Response(status_code=204)


@router.get("/api/agents", response_model=list[Agent])
def list_agents(engine: Engine = Depends(deps.engine), _: Principal = Depends(security.viewer)) -> list[dict]:  # type: ignore[type-arg]
    return registry.list_agents(engine)


@router.post("/api/agents", response_model=Agent, status_code=201)
def add_agent(body: NewAgent, request: Request, _: Principal = Depends(security.admin)) -> dict:  # type: ignore[type-arg]
    """Register a voice agent and where calls reach it."""
    endpoints = body.model_dump(include=set(AgentEndpoints.model_fields), exclude_none=True)
    return registry.add_agent(
        deps.engine(request), body.name, description=body.description, now=deps.now(request),
        endpoints=endpoints, allowed_hosts=deps.config(request).webhook_allowed_hosts,
    )


@router.patch("/api/agents/{name}", response_model=Agent)
def update_agent(name: str, body: AgentChanges, request: Request, _: Principal = Depends(security.admin)) -> dict:  # type: ignore[type-arg]
    """Change an agent's description or endpoints; clearing the webhook URL clears its secret too."""
    changes = body.model_dump(include=body.model_fields_set)
    return registry.update_agent(
        deps.engine(request), name, changes, allowed_hosts=deps.config(request).webhook_allowed_hosts
    )


@router.delete("/api/agents/{name}", status_code=204, response_class=Response)
def remove_agent(name: str, engine: Engine = Depends(deps.engine), _: Principal = Depends(security.admin)) -> Response:
    """Remove a voice agent that no journey uses."""
    registry.remove_agent(engine, name)
    return Response(status_code=204)
