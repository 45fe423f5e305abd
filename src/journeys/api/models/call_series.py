"""Response models of the chart of calls over time."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from journeys.services.call_series import MAX_BUCKETS

Bucket = Literal["minute", "hour", "day"]


class CallBucketOut(BaseModel):
    """Calls placed in one bucket, by final outcome; `answered` means answered by a person."""

    start: datetime = Field(description="The start of the bucket (UTC); it lasts one `bucket`.")
    answered: int
    voicemail: int
    no_answer: int
    busy: int
    failed: int
    cancelled: int


class CallSeriesOut(BaseModel):
    """A journey's calls, or one run's, per bucket of time by the time they were placed."""

    journey_id: int
    run_id: int | None
    bucket: Bucket = Field(description="The length of each bucket, as requested or chosen from the range.")
    since: datetime | None = Field(description="The start of the first bucket, or the requested `since` when there is none.")
    until: datetime | None = Field(description="The end of the last bucket, or the requested `until` when there is none.")
    clipped: bool = Field(
        description=f"True when the range contained too many days, so that only its last {MAX_BUCKETS} days are listed."
    )
    series: list[CallBucketOut]
