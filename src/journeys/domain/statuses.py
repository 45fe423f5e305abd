"""Recipient statuses, and which of them are open or final."""

from __future__ import annotations

from typing import Literal

RecipientStatus = Literal[
    "pending", "active", "waiting", "delayed", "completed", "failed", "cancelled"
]
RECIPIENT_STATUSES: tuple[RecipientStatus, ...] = (
    "pending", "active", "waiting", "delayed", "completed", "failed", "cancelled",
)
# A run completes when none of its recipients is in an open status.
OPEN_STATUSES: tuple[RecipientStatus, ...] = ("pending", "active", "waiting", "delayed")
FINAL_STATUSES: tuple[RecipientStatus, ...] = ("completed", "failed", "cancelled")
