"""Typed reading, in one place: parsed JSON or TOML in, the frozen records of analyzer.model (and the job the
worker runs) out, every field's type checked on the way by msgspec. A document that does not fit raises
FieldError naming the source, the field (a path such as `runs[3].timing.loops`) and what was expected; nothing
else in the package turns msgspec's errors into messages.

Unknown fields are ignored (a newer writer's additions do not make a document unreadable); missing fields take
the record's defaults, and a missing field without one is an error.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from analyzer.errors import FieldError

T = TypeVar("T")

_WHERE = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]*)`$")


def convert(data: Any, kind: type[T], *, source: str | Path, error: type[FieldError] = FieldError) -> T:
    """`data` (plain JSON or TOML values) as a `kind` (a dataclass, a msgspec Struct, a tuple of them, ...), or
    `error` (FieldError or a subclass of it) naming `source` and the field."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise field_error(exc, source, error) from None


def read_toml(path: Path, *, error: type[FieldError] = FieldError, field: str = "", max_bytes: int = 0) -> Any:
    """A TOML file's parsed content; `error` naming the file (and `field`, by default the file's name) when it
    cannot be read, is too large, is not UTF-8 or not TOML, or is too deeply nested for the reader."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    field = field or path.name
    try:
        if max_bytes and path.stat().st_size > max_bytes:
            raise error(path, field, f"refused: larger than {max_bytes} bytes")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(path, field, f"cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise error(path, field, "expected UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(path, field, f"expected valid TOML ({exc})") from None
    except (RecursionError, MemoryError) as exc:
        raise error(path, field, f"expected TOML a reader can hold ({type(exc).__name__})") from None


def decode_json(text: str | bytes, kind: type[T], *, source: str | Path) -> T:
    """One JSON document (or line) as a `kind`; FieldError naming `source` when it is not JSON or does not fit.
    Parsed by the standard library, in the dialect every writer of the project uses (json.dumps writes NaN and
    Infinity, which a strict JSON parser refuses: a run whose error is NaN must read back)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise FieldError(source, "(the whole document)", f"JSON ({exc})") from None
    return convert(data, kind, source=source)


def read_records(path: Path, kind: type[T]) -> tuple[list[T], list[int]]:
    """The records of a .jsonl file (one JSON document per line, as the passes append them as they finish) and the
    numbers of the lines that are not one of `kind`: cut short by an interruption, damaged, or of wrong types."""
    if not path.is_file():
        return [], []
    records, unreadable = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        try:
            records.append(decode_json(line, kind, source=f"{path} line {number}"))
        except ValueError:
            unreadable.append(number)
    return records, unreadable


def encode_json(value: Any) -> bytes:
    """A record (or a job) as compact JSON: the inverse of decode_json."""
    return msgspec.json.encode(value)


def field_error(exc: msgspec.ValidationError, source: str | Path,
                error: type[FieldError] = FieldError) -> FieldError:
    """msgspec's "Expected `int`, got `str` - at `$.runs[3].timing.loops`" as FieldError(source, "runs[3].timing.
    loops", "expected int, got str"); a missing or unknown field is named as the field itself."""
    found = _WHERE.match(str(exc))
    what, where = (found["what"], found["where"] or "") if found else (str(exc), "")
    if missing := _MISSING.match(what):
        where, what = f"{where}.{missing['name']}", "missing; it is required"
    elif unknown := _UNKNOWN.match(what):
        where, what = f"{where}.{unknown['name']}", "unknown field"
    field = where.lstrip(".") or "(the whole document)"
    expected = what.replace("`", "")
    return error(source, field, expected[:1].lower() + expected[1:])
