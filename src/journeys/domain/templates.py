"""Jinja-style templates for SMS text, call variables and voicemail messages.

A template is rendered in a `jinja2.sandbox.SandboxedEnvironment` with
autoescaping off, because SMS is plain text: `<`, `&` and quotes are sent as
written. The language is cut down to what messages need:

- `{{ expression }}` and `{% if %}`/`{% elif %}`/`{% else %}`, with literals,
  comparisons, `and`/`or`/`not`, `~` and arithmetic. Loops, `set`, macros,
  includes, function and method calls, and names starting with `_` are
  rejected, so each expression runs once.
- Operators and filters that could build a huge value are limited. `*`
  cannot repeat text or lists, and `%` cannot format text. `**` takes
  exponents up to `MAX_EXPONENT` and results up to `MAX_POWER_BITS` bits.
  `replace` cannot grow text past `MAX_TEXT_LENGTH` characters.
- Names: a bare field name (`customer_name`), `data.<field>`,
  `nodes.<id>.<output>` (`nodes['call-1'].outcome` for ids with dashes) and
  `recipient.<attribute>`.
- Filters: `ALLOWED_FILTERS`. Every one but `default`, `round`, `replace`
  and `format_number` is the Jinja built-in of that name.
- `default(value)` replaces a value that is missing, None or the empty
  string, unlike Jinja's own `default`, which only replaces a missing one.
- `round(precision, method)` rounds halves away from zero, as people round
  money, where Jinja's rounds them to even (2.5 to 2). It reads numeric text
  too. `method` is `common`, `ceil` or `floor`, as in Jinja.
- `format_number(decimals)` groups thousands with commas: 1234.5 gives
  "1,234.5", and with `format_number(2)` it gives "1,234.50".

Rendering never sends raw braces or an empty gap. A `{{ }}` whose value is
missing, None or "" raises `MissingValueError`, unless the expression uses
`default`. Inside `{% if name %}` a missing value is simply false.

Values print naturally. A float prints without trailing zeros, so 12.5 prints
"12.5" and 3.0 prints "3", rounded to 10 decimal places. Decimals print the
same way, and booleans print "true" or "false".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.environment import Template
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import SandboxedEnvironment

from journeys.domain.conditions import as_number
from journeys.domain.scope import BUILTIN_FIELDS, Scope
from journeys.errors import InvalidInputError, JourneysError

ALLOWED_FILTERS = frozenset(
    {
        "abs", "capitalize", "default", "float", "format_number", "int", "lower",
        "replace", "round", "string", "title", "trim", "truncate", "upper",
    }
)
# Limits on `**` and `replace`: far above what a message needs, and far below
# what would stall a worker.
MAX_EXPONENT = 100
MAX_POWER_BITS = 4096
MAX_TEXT_LENGTH = 10_000
TEN_DECIMAL_PLACES = Decimal("1e-10")

# Statement nodes that change control flow or reach outside the template.
_FORBIDDEN_TAGS = {
    nodes.For: "for",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.With: "with",
    nodes.Block: "block",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from",
    nodes.Extends: "extends",
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.ExprStmt: "do",
}
# Names Jinja itself defines inside a template, which would shadow no field.
_JINJA_SPECIAL_NAMES = frozenset({"self", "loop", "caller", "varargs", "kwargs"})
_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Const, nodes.Name,
    nodes.Tuple, nodes.List, nodes.Dict, nodes.Pair, nodes.Keyword, nodes.CondExpr,
    nodes.Filter, nodes.Test, nodes.Getitem, nodes.Getattr, nodes.Slice, nodes.Concat,
    nodes.Compare, nodes.Operand, nodes.BinExpr, nodes.UnaryExpr,
)


class TemplateInvalidError(InvalidInputError, ValueError):
    """A template that cannot be parsed, with the line of the error."""

    code = "template_invalid"


class TemplateRenderError(JourneysError):
    """A template that failed for one recipient's values; the recipient fails with the reason."""

    code = "template_failed"


class MissingValueError(TemplateRenderError):
    """A value a template prints is missing, None or empty, and no `default` covers it."""

    code = "missing_value"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"missing value for {name}")


def referenced_names(template: str) -> set[str]:
    """Return the dotted names `template` reads, such as `nodes.call_1.outcome`.

    Raises TemplateInvalidError, a ValueError, naming the line of a syntax error.
    """
    names: set[str] = set()
    for node in _walk_names(_parse(template)):
        name = _dotted_name(node)
        if name is not None:
            names.add(name)
    return names


def unsupported_features(template: str) -> list[str]:
    """Return a message for each tag, call, filter or attribute that templates may not use.

    Raises TemplateInvalidError naming the line of a syntax error.
    """
    messages: list[str] = []
    for node in _parse(template).find_all(nodes.Node):
        message = _feature_problem(node)
        if message is not None and message not in messages:
            messages.append(message)
    return messages


def render(template: str, scope: Scope) -> str:
    """Render `template` with the values in `scope`.

    Raises MissingValueError when a printed value is missing, and
    TemplateRenderError when the template is invalid or fails on these values.
    """
    try:
        compiled = _compile(template)
        return compiled.render(_context(scope))
    except TemplateRenderError:
        raise
    except TemplateInvalidError as exc:
        raise TemplateRenderError(str(exc)) from exc
    except SecurityError as exc:
        raise TemplateRenderError(f"template rejected: {exc}") from exc
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, AssertionError) as exc:
        # Jinja's own filters check some arguments with assert, such as truncate's length.
        raise TemplateRenderError(f"template failed: {exc or type(exc).__name__}") from exc


def format_value(value: Any) -> Any:
    """Return the text a printed number or boolean becomes, and other values unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (float, Decimal)):
        number = as_number(value)
        return str(value) if number is None else _plain_number(number)
    return value


# --- Parsing and checks -------------------------------------------------------


@lru_cache(maxsize=256)
def _parse(template: str) -> nodes.Template:
    try:
        return _ENVIRONMENT.parse(template)
    except TemplateSyntaxError as exc:
        raise TemplateInvalidError(
            f"template syntax error on line {exc.lineno}: {exc.message}"
        ) from exc
    except RecursionError as exc:
        raise TemplateInvalidError("template is nested too deeply to read") from exc


def _walk_names(node: nodes.Node) -> Iterator[nodes.Node]:
    # Yields the outermost name chain of each expression, so that
    # `nodes.call_1.outcome` is reported once and not also as `nodes`.
    if _dotted_name(node) is not None:
        yield node
        return
    for child in node.iter_child_nodes():
        yield from _walk_names(child)


def _dotted_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted_name(node.node)
        return f"{base}.{node.attr}" if base is not None else None
    if isinstance(node, nodes.Getitem) and _is_string_constant(node.arg):
        base = _dotted_name(node.node)
        return f"{base}.{node.arg.value}" if base is not None else None
    return None


def _is_string_constant(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, str)


def _feature_problem(node: nodes.Node) -> str | None:
    tag = _FORBIDDEN_TAGS.get(type(node))
    if tag is not None:
        return f"the '{{% {tag} %}}' tag is not allowed; use {{{{ name }}}}, filters and {{% if %}}"
    if isinstance(node, nodes.Call):
        return "calling functions or methods is not allowed; use a filter such as 'upper'"
    if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
        allowed = ", ".join(sorted(ALLOWED_FILTERS))
        return f"filter '{node.name}' is not allowed; use one of {allowed}"
    if isinstance(node, nodes.Test) and node.name not in _ENVIRONMENT.tests:
        return f"unknown test '{node.name}'"
    if isinstance(node, nodes.Name) and node.name in _JINJA_SPECIAL_NAMES:
        return f"'{node.name}' is a reserved name in templates"
    private = _private_attribute(node)
    if private is not None:
        return f"attribute '{private}' is not allowed: names starting with '_' are private"
    if not isinstance(node, (*_ALLOWED_NODES, nodes.Call)):
        return f"'{type(node).__name__}' expressions are not allowed in templates"
    return None


def _private_attribute(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return str(node.attr)
    if isinstance(node, nodes.Getitem) and _is_string_constant(node.arg):
        key = str(node.arg.value)
        return key if key.startswith("_") else None
    return None


# --- Rendering ----------------------------------------------------------------


@lru_cache(maxsize=256)
def _compile(template: str) -> Template:
    problems = unsupported_features(template)
    if problems:
        raise TemplateInvalidError("; ".join(problems))

    # A fresh parse, because the cached tree is shared and this one is changed.
    tree = _ENVIRONMENT.parse(template)
    for output in tree.find_all(nodes.Output):
        output.nodes = [_require_value(expression) for expression in output.nodes]
    return _ENVIRONMENT.from_string(tree)


def _require_value(expression: nodes.Expr) -> nodes.Expr:
    # Wraps each printed expression in the `_require` filter, which receives
    # the expression's name, so that None and "" fail with that name instead
    # of printing an empty gap.
    if isinstance(expression, nodes.TemplateData):
        return expression
    if isinstance(expression, nodes.Const) and expression.value not in (None, ""):
        return expression

    names = [_dotted_name(node) for node in _walk_names(expression)]
    label = next((name for name in names if name), f"the value on line {expression.lineno}")
    uses_default = any(node.name == "default" for node in expression.find_all(nodes.Filter))
    if isinstance(expression, nodes.Filter) and expression.name == "default":
        uses_default = True
    arguments: list[nodes.Expr] = [nodes.Const(label), nodes.Const(uses_default)]
    wrapped = nodes.Filter(expression, "_require", arguments, [], None, None)
    wrapped.set_lineno(expression.lineno)
    wrapped.set_environment(_ENVIRONMENT)
    return wrapped


def _context(scope: Scope) -> dict[str, Any]:
    context: dict[str, Any] = {
        name: value for name, value in scope.data.items() if value is not None
    }
    for name in BUILTIN_FIELDS:
        if context.get(name) is None and scope.recipient.get(name) is not None:
            context[name] = scope.recipient[name]

    context["data"] = _Namespace("data", dict(context))
    context["nodes"] = _Namespace("nodes", scope.nodes)
    context["recipient"] = _Namespace("recipient", scope.recipient)
    return context


class _Namespace:
    """Read-only values under a dotted prefix, such as `nodes.call_1`.

    It has no public attributes, so `data.items` reads the field `items` and
    never a dict method. A missing or None value comes back as `_Missing`
    carrying the whole dotted name.
    """

    __slots__ = ("_path", "_values")

    def __init__(self, path: str, values: Mapping[str, Any]) -> None:
        self._path = path
        self._values = values

    def __getitem__(self, key: Any) -> Any:
        path = f"{self._path}.{key}"
        value = self._values.get(key) if isinstance(key, str) else None
        if value is None:
            return _Missing(name=path)
        if isinstance(value, Mapping):
            return _Namespace(path, value)
        return value

    def __str__(self) -> str:
        raise TemplateRenderError(
            f"'{self._path}' is a group of values; print one of them, such as {self._path}.<name>"
        )


class _Missing(Undefined):
    """An undefined value that remembers its dotted name and fails when printed."""

    __slots__ = ()

    @property
    def path(self) -> str:
        return str(self._undefined_name)

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        if self._undefined_exception is UndefinedError and self._undefined_hint is None:
            raise MissingValueError(self.path)
        raise self._undefined_exception(self._undefined_message)

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return self._chain(name)

    def __getitem__(self, key: Any) -> Any:
        return self._chain(key)

    def _chain(self, key: Any) -> Undefined:
        # An unsafe-attribute undefined stays itself, so it keeps its SecurityError.
        if self._undefined_exception is not UndefinedError:
            return self
        return _Missing(name=f"{self.path}.{key}")

    # Undefined binds these to its own method, which raises UndefinedError.
    __str__ = __iter__ = __len__ = __call__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = _fail_with_undefined_error
    __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = _fail_with_undefined_error
    __floordiv__ = __rfloordiv__ = _fail_with_undefined_error
    __mod__ = __rmod__ = __pos__ = __neg__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = _fail_with_undefined_error
    __pow__ = __rpow__ = _fail_with_undefined_error


class _MessageEnvironment(SandboxedEnvironment):
    """The sandbox, with the operators that could build huge values checked first."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        sequences = (str, list, tuple)
        if operator == "*" and (isinstance(left, sequences) or isinstance(right, sequences)):
            raise SecurityError("repeating text or lists with '*' is not allowed")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("'%' text formatting is not allowed; use format_number")
        if operator == "**" and _is_large_power(left, right):
            raise SecurityError(
                f"powers above {MAX_POWER_BITS} bits or exponents above {MAX_EXPONENT} are not allowed"
            )
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Only names have parts. Without this, `customer_name.upper` would print
        # a bound method, because the sandbox allows safe attributes of str.
        if isinstance(obj, (_Namespace, Undefined)):
            return super().getattr(obj, attribute)
        return self._no_attribute(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and not isinstance(obj, (_Namespace, Undefined, Mapping)):
            return self._no_attribute(obj, argument)
        return super().getitem(obj, argument)

    def _no_attribute(self, obj: Any, attribute: Any) -> Undefined:
        hint = f"a {type(obj).__name__} value has no part named {attribute!r}"
        return self.undefined(hint=hint, obj=obj, name=attribute)


def _is_large_power(base: Any, exponent: Any) -> bool:
    if not isinstance(exponent, (int, float, Decimal)) or isinstance(exponent, bool):
        return False
    if abs(exponent) > MAX_EXPONENT:
        return True
    # Floats overflow to an error by themselves, but integers grow without bound.
    return isinstance(base, int) and base.bit_length() * abs(exponent) > MAX_POWER_BITS


# --- Filters ------------------------------------------------------------------


def _default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
    # `boolean` is accepted for compatibility with Jinja's signature and ignored:
    # 0 and false are real values and are never replaced.
    if isinstance(value, Undefined) or value is None or value == "":
        return default_value
    return value


def _format_number(value: Any, decimals: int | None = None) -> str:
    number = _filter_number("format_number", value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
        text = format(number, "f")
    else:
        text = _plain_number(number)

    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.removeprefix("-").partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def _replace(value: Any, old: Any, new: Any, count: int | None = None) -> str:
    text, old_text, new_text = str(value), str(old), str(new)
    limit = -1 if count is None else int(count)

    # Checked before replacing, so that a chain of replaces cannot allocate a huge string.
    replaced = text.count(old_text) if limit < 0 else min(limit, text.count(old_text))
    if len(text) + replaced * (len(new_text) - len(old_text)) > MAX_TEXT_LENGTH:
        raise SecurityError(f"replace would make text longer than {MAX_TEXT_LENGTH} characters")
    return text.replace(old_text, new_text, limit)


def _round(value: Any, precision: int = 0, method: str = "common") -> float:
    modes = {"common": ROUND_HALF_UP, "ceil": ROUND_CEILING, "floor": ROUND_FLOOR}
    if method not in modes:
        raise ValueError(f"round method must be common, ceil or floor, not {method!r}")
    number = _filter_number("round", value)
    return float(number.quantize(Decimal(1).scaleb(-int(precision)), rounding=modes[method]))


def _filter_number(filter_name: str, value: Any) -> Decimal:
    if isinstance(value, Undefined):
        str(value)
    number = as_number(value)
    if number is None:
        raise TypeError(f"{filter_name} needs a number, got {value!r}")
    return number


def _require(value: Any, label: str, allow_empty: bool) -> Any:
    if isinstance(value, Undefined):
        str(value)
        raise MissingValueError(label)
    if value is None or (value == "" and not allow_empty):
        raise MissingValueError(label)
    return value


def _plain_number(number: Decimal) -> str:
    # Ten decimal places hide binary noise (0.1 + 0.2 prints 0.3). Numbers too
    # large for that at Decimal's default 28-digit precision are left whole.
    if number.adjusted() < 17:
        number = number.quantize(TEN_DECIMAL_PLACES)
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def _build_environment() -> _MessageEnvironment:
    environment = _MessageEnvironment(
        autoescape=False,
        undefined=_Missing,
        finalize=format_value,
        keep_trailing_newline=True,
    )
    filters: dict[str, Any] = {
        name: JINJA_FILTERS[name] for name in ALLOWED_FILTERS if name in JINJA_FILTERS
    }
    filters.update(
        {
            "default": _default,
            "format_number": _format_number,
            "replace": _replace,
            "round": _round,
            "_require": _require,
        }
    )
    environment.filters = filters
    # No globals: range(), dict() and the rest are calls, which templates may not make.
    environment.globals.clear()
    return environment


_ENVIRONMENT = _build_environment()
