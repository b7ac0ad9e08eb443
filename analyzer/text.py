"""Text from untrusted places (task files, worker output, file names) made safe for a terminal.

An escape sequence in a task title, a file name or a worker's error text would otherwise reach the user's terminal
and could move the cursor, rewrite earlier lines or set the window title. Rich escapes its markup but passes control
characters such as ESC through, so every such text goes through `printable` before it is stored or shown.
"""

from __future__ import annotations

import re

#: C0 controls except tab and newline, DEL, and C1 controls (which include the 8-bit CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character but tab and newline shown as U+FFFD (so a reader sees one was there)."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)
