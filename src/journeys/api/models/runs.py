"""Bodies of the run routes: run settings on creation, runs, schedules."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from journeys.api.models.base import RequestModel
from journeys.domain.localtime import is_known_zone, parse_local
from journeys.domain.phones import normalize_phone
from journeys.domain.settings import RunSettings
from journeys.errors import InvalidInputError


class RunCreate(RequestModel):
    """A new draft run: its name and settings; omitted settings take their defaults."""

    name: str = Field(min_length=1, max_length=200, examples=["Morning wave"])
    settings: RunSettings = Field(default_factory=RunSettings)

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("the name is blank; give the run a name such as 'Morning wave'")
        return name.strip()

    @field_validator("settings")
    @classmethod
    def _normalize_script(cls, settings: RunSettings) -> RunSettings:
        # The simulator looks outcomes up by E.164 number, so a key written as
        # "+1 202-555-0101" would otherwise be ignored without a word.
        script: dict[str, list[str]] = {}
        for number, outcomes in settings.simulator.script.items():
            try:
                e164, _ = normalize_phone(number, None)
            except InvalidInputError as exc:
                raise ValueError(
                    f"simulator script key {number!r} is not a phone number with its country code; "
                    "write it in E.164, such as +12025550101"
                ) from exc
            if e164 in script:
                raise ValueError(f"simulator script: {e164} appears twice; keep one list of outcomes for it")
            script[e164] = outcomes
        simulator = settings.simulator.model_copy(update={"script": script})
        return settings.model_copy(update={"simulator": simulator})


class Run(BaseModel):
    """A run: one execution of a journey against one list of recipients."""

    id: int
    journey_id: int
    name: str
    status: str
    settings: RunSettings
    scheduled_at: datetime | None = Field(None, description="The scheduled start, in UTC.")
    schedule_local: str | None = Field(None, description="The scheduled start as given: local time and IANA zone.")
    started_at: datetime | None = None
    finished_at: datetime | None = None
    failure_reason: str | None = None
    created_at: datetime
    updated_at: datetime


class RunListItem(Run):
    """A run as a journey's run list shows it, with its number of recipients."""

    recipient_count: int


class RunDetail(Run):
    """A run with how many of its recipients are in each status."""

    recipients: dict[str, int]


class ScheduleRequest(RequestModel):
    """A local start time in an IANA time zone; a time that clocks skip is rejected with the next valid one."""

    at: str = Field(description="Local date and time, 'YYYY-MM-DD HH:MM'.", examples=["2026-12-05 09:00"])
    timezone: str = Field(description="IANA time zone of `at`.", examples=["America/New_York"])

    @field_validator("at")
    @classmethod
    def _check_at(cls, at: str) -> str:
        try:
            parse_local(at)
        except InvalidInputError as exc:
            raise ValueError(str(exc)) from exc
        return at.strip()

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, timezone: str) -> str:
        if not is_known_zone(timezone):
            raise ValueError(f"unknown time zone {timezone!r}: use an IANA name such as 'America/New_York'")
        return timezone.strip()
