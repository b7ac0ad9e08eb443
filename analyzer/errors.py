"""The one shape of error a user's file can cause: which file, which field, what was expected."""

from __future__ import annotations

from pathlib import Path


class FieldError(ValueError):
    """A file that cannot be used; the message names the file, the field and what was expected."""

    def __init__(self, path: str | Path, field_name: str, expected: str) -> None:
        self.path, self.field, self.expected = path, field_name, expected
        super().__init__(f"{path}: field '{field_name}': {expected}")
