"""Typed reading, in one place: parsed JSON or TOML in, the frozen records of analyzer.model (and the job the
worker runs) out, every field's type checked on the way by msgspec. A document that does not fit raises
FieldError naming the source, the field (a path such as `runs[3].timing.loops`) and what was expected; nothing
else in the package turns msgspec's errors into messages.

Unknown fields are ignored (a newer writer's additions do not make a document unreadable); missing fields take
the record's defaults, and a missing field without one is an error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from analyzer.errors import FieldError

T = TypeVar("T")

_WHERE = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]*)`$")


def convert(data: Any, kind: type[T], *, source: str | Path) -> T:
    """`data` (plain JSON values) as a `kind` (a dataclass, a tuple of them, ...), or FieldError naming `source`."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise field_error(exc, source) from None


def decode_json(text: str | bytes, kind: type[T], *, source: str | Path) -> T:
    """One JSON document (or line) as a `kind`; FieldError naming `source` when it is not JSON or does not fit."""
    try:
        return msgspec.json.decode(text, type=kind)
    except msgspec.ValidationError as exc:
        raise field_error(exc, source) from None
    except msgspec.DecodeError as exc:
        raise FieldError(source, "(the whole document)", f"JSON ({exc})") from None


def encode_json(value: Any) -> bytes:
    """A record (or a job) as compact JSON: the inverse of decode_json."""
    return msgspec.json.encode(value)


def field_error(exc: msgspec.ValidationError, source: str | Path) -> FieldError:
    """msgspec's "Expected `int`, got `str` - at `$.runs[3].timing.loops`" as FieldError(source, "runs[3].timing.
    loops", "expected int, got str")."""
    found = _WHERE.match(str(exc))
    what, where = (found["what"], found["where"] or "") if found else (str(exc), "")
    missing = _MISSING.match(what)
    if missing:
        where, what = f"{where}.{missing['name']}", "missing; it is required"
    field = where.lstrip(".") or "(the whole document)"
    expected = what.replace("`", "")
    return FieldError(source, field, expected[:1].lower() + expected[1:])
