"""The base class of every request body model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """A request body: an unknown field or a NaN or Infinity number gets 422 naming it.

    Unknown fields are rejected so that a misspelt field ("rol" for "role")
    is reported instead of ignored. Models nested in a request body must set
    the same config, because Pydantic applies a model's config to its own fields only.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
