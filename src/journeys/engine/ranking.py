"""Ranks of provider statuses, so that a late lower status never overwrites a higher one."""

from __future__ import annotations

FINAL_RANK = 100

CALL_FINAL = frozenset({"answered", "voicemail", "no_answer", "busy", "failed", "cancelled"})
SMS_FINAL = frozenset({"delivered", "undelivered", "failed"})

_CALL_RANKS = {"queued": 10, "initiated": 20, "ringing": 30, "in_progress": 40}
_SMS_RANKS = {"queued": 10, "accepted": 15, "sending": 20, "sent": 30}


def rank(kind: str, status: str) -> int:
    """Return the rank of a status; final statuses outrank every other, and unknown ones rank 0."""
    final = CALL_FINAL if kind == "call" else SMS_FINAL
    if status in final:
        return FINAL_RANK
    ranks = _CALL_RANKS if kind == "call" else _SMS_RANKS
    return ranks.get(status, 0)


def is_final(kind: str, status: str) -> bool:
    return rank(kind, status) == FINAL_RANK
