"""Template names, rendering, missing values, filters and the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from journeys.domain.scope import Scope
from journeys.domain.templates import (
    ALLOWED_FILTERS,
    MissingValueError,
    TemplateInvalidError,
    TemplateRenderError,
    referenced_names,
    render,
    unsupported_features,
)
from journeys.errors import JourneysError


def make_scope(**data: Any) -> Scope:
    return Scope(
        data=data,
        nodes={
            "call_1": {"outcome": "answered", "talk_time_seconds": 42.0, "data": {"reason": "paid"}},
            "call-2": {"outcome": "voicemail", "data": None},
        },
        recipient={"calls_placed": 2, "phone_number": "+12025550100", "timezone": "America/Chicago"},
        now=datetime(2026, 6, 10, 14, 0, tzinfo=UTC),
        zone=ZoneInfo("America/Chicago"),
    )


# --- Names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("Hello", set()),
        ("Hi {{ customer_name }}", {"customer_name"}),
        ("{{ nodes.call_1.outcome }}", {"nodes.call_1.outcome"}),
        ("{{ nodes['call-2'].outcome }}", {"nodes.call-2.outcome"}),
        ("{{ data.balance | round(2) }}", {"data.balance"}),
        ("{{ name | default(fallback) }}", {"name", "fallback"}),
        ("{% if plan == 'gold' %}{{ recipient.calls_placed }}{% endif %}", {"plan", "recipient.calls_placed"}),
        ("{{ nodes.call_1.data.items[0] }}", {"nodes.call_1.data.items"}),
        ("{{ a ~ b }} {{ a }}", {"a", "b"}),
    ],
)
def test_referenced_names(template: str, names: set[str]) -> None:
    assert referenced_names(template) == names


@pytest.mark.parametrize(
    ("template", "line"),
    [
        ("Hi {{ customer_name }", 1),
        ("Hi {{ customer_name ~ }}", 1),
        ("line one\n{% if x %}no end", 2),
        ("{{ }}", 1),
    ],
)
def test_syntax_error_names_line(template: str, line: int) -> None:
    with pytest.raises(TemplateInvalidError, match=f"line {line}") as caught:
        referenced_names(template)

    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, JourneysError)


# --- Rendering ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "data", "text"),
    [
        ("Hi {{ customer_name }}!", {"customer_name": "Ann"}, "Hi Ann!"),
        ("{{ data.customer_name }}", {"customer_name": "Ann"}, "Ann"),
        ("{{ nodes.call_1.outcome }}", {}, "answered"),
        ("{{ nodes['call-2'].outcome }}", {}, "voicemail"),
        ("{{ nodes.call_1.data.reason }}", {}, "paid"),
        ("{{ recipient.calls_placed }}", {}, "2"),
        ("{{ phone_number }}", {}, "+12025550100"),
        ("{{ timezone }}", {}, "America/Chicago"),
        ("{{ data.items }}", {"items": "three"}, "three"),
        ("{{ balance }}", {"balance": 12.5}, "12.5"),
        ("{{ balance }}", {"balance": 3.0}, "3"),
        ("{{ balance }}", {"balance": 0.1 + 0.2}, "0.3"),
        ("{{ balance }}", {"balance": Decimal("12.50")}, "12.5"),
        ("{{ balance }}", {"balance": 0}, "0"),
        ("{{ count }}", {"count": 7}, "7"),
        ("{{ nodes.call_1.talk_time_seconds }}", {}, "42"),
        ("{{ autopay }}", {"autopay": True}, "true"),
        ("{{ autopay }}", {"autopay": False}, "false"),
        ("{{ balance * 2 }}", {"balance": 1.25}, "2.5"),
        ("{% if vip %}VIP{% else %}Hi{% endif %}", {"vip": True}, "VIP"),
        ("{% if vip %}VIP{% else %}Hi{% endif %}", {}, "Hi"),
        ("line\n", {}, "line\n"),
    ],
)
def test_render_values(template: str, data: dict[str, Any], text: str) -> None:
    assert render(template, make_scope(**data)) == text


@pytest.mark.parametrize(
    "value",
    ["<b>Ann</b>", "Tom & Jerry", "O'Brien", 'say "hi"', "{{ not a template }}"],
)
def test_render_does_not_escape(value: str) -> None:
    assert render("{{ name }}", make_scope(name=value)) == value


@pytest.mark.parametrize(
    ("template", "data", "text"),
    [
        ("Hi {{ name | default('there') }}", {}, "Hi there"),
        ("Hi {{ name | default('there') }}", {"name": None}, "Hi there"),
        ("Hi {{ name | default('there') }}", {"name": ""}, "Hi there"),
        ("Hi {{ name | default('there') }}", {"name": "Ann"}, "Hi Ann"),
        ("{{ balance | default(5) }}", {"balance": 0}, "0"),
        ("{{ vip | default('no') }}", {"vip": False}, "false"),
        ("{{ nodes.call_9.outcome | default('none') }}", {}, "none"),
        ("{{ nodes['call-2'].data.reason | default('none') }}", {}, "none"),
        ("[{{ notes | default('') }}]", {}, "[]"),
        ("{{ name | default('there') | upper }}", {}, "THERE"),
    ],
)
def test_default_covers_missing_none_and_empty(template: str, data: dict[str, Any], text: str) -> None:
    assert render(template, make_scope(**data)) == text


@pytest.mark.parametrize(
    ("template", "data", "name"),
    [
        ("Hi {{ customer_name }}", {}, "customer_name"),
        ("Hi {{ customer_name }}", {"customer_name": None}, "customer_name"),
        ("Hi {{ customer_name }}", {"customer_name": ""}, "customer_name"),
        ("{{ data.balance }}", {}, "data.balance"),
        ("{{ nodes.call_9.outcome }}", {}, "nodes.call_9.outcome"),
        ("{{ nodes['call-2'].data.reason }}", {}, "nodes.call-2.data.reason"),
        ("{{ recipient.sms_sent }}", {}, "recipient.sms_sent"),
        ("{{ customer_name | upper }}", {}, "customer_name"),
        ("{{ 'Dear ' ~ customer_name }}", {}, "customer_name"),
        ("{{ balance + 1 }}", {}, "balance"),
        ("{{ name | default(none) }}", {}, "name"),
        ("{{ due | default(other) }}", {}, "other"),
    ],
)
def test_missing_value_names_it(template: str, data: dict[str, Any], name: str) -> None:
    with pytest.raises(MissingValueError) as caught:
        render(template, make_scope(**data))

    assert str(caught.value) == f"missing value for {name}"
    assert caught.value.name == name


def test_missing_value_is_a_render_error() -> None:
    with pytest.raises(TemplateRenderError):
        render("{{ nothing }}", make_scope())


# --- Filters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "data", "text"),
    [
        ("{{ name | upper }}", {"name": "ann"}, "ANN"),
        ("{{ name | lower }}", {"name": "ANN"}, "ann"),
        ("{{ name | title }}", {"name": "ann lee"}, "Ann Lee"),
        ("{{ name | capitalize }}", {"name": "aNN"}, "Ann"),
        ("[{{ name | trim }}]", {"name": "  Ann "}, "[Ann]"),
        ("{{ amount | round(1) }}", {"amount": 2.46}, "2.5"),
        ("{{ amount | round }}", {"amount": 2.5}, "3"),
        ("{{ amount | round }}", {"amount": -2.5}, "-3"),
        ("{{ amount | round(2) }}", {"amount": 2.675}, "2.68"),
        ("{{ amount | round(1, 'floor') }}", {"amount": 2.69}, "2.6"),
        ("{{ amount | round(0, 'ceil') }}", {"amount": 2.01}, "3"),
        ("{{ amount | round }}", {"amount": "2.5"}, "3"),
        ("{{ amount | int }}", {"amount": "42"}, "42"),
        ("{{ amount | float }}", {"amount": "2.50"}, "2.5"),
        ("{{ amount | abs }}", {"amount": -3}, "3"),
        ("{{ amount | string }}", {"amount": 7}, "7"),
        ("{{ name | replace('a', 'o') }}", {"name": "banana"}, "bonono"),
        ("{{ note | truncate(10) }}", {"note": "a long note here"}, "a long..."),
        ("{{ note | truncate(10) }}", {"note": "short"}, "short"),
        ("{{ amount | format_number }}", {"amount": 1234567.5}, "1,234,567.5"),
        ("{{ amount | format_number(2) }}", {"amount": 1234.5}, "1,234.50"),
        ("{{ amount | format_number }}", {"amount": -0.5}, "-0.5"),
        ("{{ amount | format_number }}", {"amount": "1500"}, "1,500"),
    ],
)
def test_allowed_filters(template: str, data: dict[str, Any], text: str) -> None:
    assert render(template, make_scope(**data)) == text


@pytest.mark.parametrize("name", ["attr", "map", "safe", "tojson", "join", "format", "d", "pprint"])
def test_unlisted_filter_rejected(name: str) -> None:
    problems = unsupported_features(f"{{{{ x | {name} }}}}")

    assert len(problems) == 1
    assert f"filter '{name}' is not allowed" in problems[0]


def test_allowed_filters_have_no_problems() -> None:
    template = " ".join(f"{{{{ x | {name} }}}}" for name in sorted(ALLOWED_FILTERS))

    assert unsupported_features(template) == []


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{% for i in items %}{{ i }}{% endfor %}", "'{% for %}' tag"),
        ("{% set x = 1 %}", "'{% set %}' tag"),
        ("{% macro m() %}{% endmacro %}", "'{% macro %}' tag"),
        ("{% include 'other' %}", "'{% include %}' tag"),
        ("{{ name.upper() }}", "calling functions"),
        ("{{ range(10) }}", "calling functions"),
        ("{{ self }}", "'self' is a reserved name"),
        ("{{ x is frobnicated }}", "unknown test 'frobnicated'"),
    ],
)
def test_unsupported_features(template: str, fragment: str) -> None:
    problems = unsupported_features(template)

    assert any(fragment in problem for problem in problems), problems


def test_render_rejects_unsupported_template() -> None:
    with pytest.raises(TemplateRenderError, match="not allowed"):
        render("{% for i in items %}{{ i }}{% endfor %}", make_scope(items=[1]))


def test_render_wraps_syntax_error() -> None:
    with pytest.raises(TemplateRenderError, match="line 1"):
        render("{{ oops", make_scope())


def test_render_wraps_type_error() -> None:
    with pytest.raises(TemplateRenderError, match="template failed"):
        render("{{ balance + 'x' }}", make_scope(balance=1))


# --- Sandbox ------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name.__class__ }}",
        "{{ nodes.__class__ }}",
        "{{ nodes._values }}",
        "{{ nodes['_values'] }}",
        "{{ name['__cl' ~ 'ass__'] }}",
        "{{ name.upper }}",
        "{{ name['upper'] }}",
        "{{ data.get }}",
        "{{ lipsum }}",
        "{{ cycler }}",
        "{{ config }}",
    ],
)
def test_sandbox_escape_fails_without_leaking(template: str) -> None:
    with pytest.raises(TemplateRenderError) as caught:
        render(template, make_scope(name="Ann"))

    assert "<class" not in str(caught.value)
    assert "built-in" not in str(caught.value)


@pytest.mark.parametrize(
    "template",
    ["{{ ''.__class__ }}", "{{ nodes._values }}", "{{ x['__globals__'] }}"],
)
def test_private_attributes_reported(template: str) -> None:
    problems = unsupported_features(template)

    assert any("names starting with '_'" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ 'a' * 100000000 }}", "repeating text"),
        ("{{ name * 1000 }}", "repeating text"),
        ("{{ 10 ** 100000 }}", "exponents above"),
        ("{{ (10 ** 100) ** 100 }}", "powers above"),
        ("{{ '%999999999d' % 1 }}", "'%' text formatting"),
        ("{{ name" + " | replace('n', 'nnnnnnnnnn')" * 5 + " }}", "longer than 10000"),
    ],
)
def test_sandbox_limits_large_values(template: str, fragment: str) -> None:
    with pytest.raises(TemplateRenderError, match=fragment):
        render(template, make_scope(name="Ann"))


def test_group_of_values_cannot_print() -> None:
    with pytest.raises(TemplateRenderError, match="group of values"):
        render("{{ nodes.call_1 }}", make_scope())


def test_small_powers_allowed() -> None:
    assert render("{{ 2 ** 10 }} {{ 1.5 ** 2 }}", make_scope()) == "1024 2.25"


def test_deep_nesting_rejected() -> None:
    template = "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"

    with pytest.raises(TemplateInvalidError, match="nested too deeply"):
        referenced_names(template)
