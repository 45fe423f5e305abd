"""The shared SMS vectors, which the web app's counter is tested against too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journeys.domain.sms import GSM7_BASIC, GSM7_EXTENSION, sms_encoding

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "sms_vectors.json").read_text(encoding="utf-8"))


def _text(vector: dict[str, Any]) -> str:
    return "".join(part * count for part, count in vector["parts"])


def test_vector_tables_match_alphabet() -> None:
    assert set(VECTORS["gsm7_basic"]) == GSM7_BASIC
    assert len(VECTORS["gsm7_basic"]) == len(GSM7_BASIC)
    assert set(VECTORS["gsm7_extension"]) == GSM7_EXTENSION
    assert len(VECTORS["gsm7_extension"]) == len(GSM7_EXTENSION)


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda vector: vector["name"])
def test_sms_vector(vector: dict[str, Any]) -> None:
    assert sms_encoding(_text(vector)) == (vector["encoding"], vector["segments"])
