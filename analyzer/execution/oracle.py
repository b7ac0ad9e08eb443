"""A process of its own for one task's oracle: the parent's judge asks it for the expected outputs.

    python -m analyzer.execution.oracle TASK_DIR SIZE OUT.npz

The oracle is contributed code, so it never runs in the parent; and it never runs in the worker whose outputs it
judges either, where the implementation could reach the expected arrays or the comparison and bend them. It
writes the float64 outputs as an .npz of plain arrays (the parent loads them without pickle) and exits; a failure
is one line on stderr and exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    task_dir, size, out = (argv or sys.argv[1:])[:3]
    from analyzer.execution.child import cap_file_size, die_with_parent

    die_with_parent()
    cap_file_size()
    import numpy as np

    from analyzer.execution.harness import make_case
    from analyzer.spec import load_spec

    try:
        case = make_case(load_spec(Path(task_dir)), size)
        np.savez(out, **case.expected)
    except Exception as exc:  # noqa: BLE001 - whatever the oracle raises is the reason the judge reports
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"{type(exc).__name__}: {message}"[:500], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
