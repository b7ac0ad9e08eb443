"""A process of its own for one task's oracle: the parent's judge asks it for the expected outputs.

    python -m analyzer.worker.oracle TASK_DIR SIZE OUT.npz
    python -m analyzer.worker.oracle --faults TASK_DIR SIZE OUT_DIR   (the debuggability pass's intended answers)

The oracle is contributed code, so it never runs in the parent; and it never runs in the worker whose outputs it
judges either, where the implementation could reach the expected arrays or the comparison and bend them. It
writes the float64 outputs as an .npz of plain arrays (the parent loads them without pickle) and exits; a failure
is one line on stderr and exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    args = list(argv or sys.argv[1:])
    faults = args[:1] == ["--faults"]
    task_dir, size, out = args[int(faults):int(faults) + 3]
    from analyzer.execution.child import cap_file_size, die_with_parent

    die_with_parent()
    cap_file_size()
    import numpy as np

    from analyzer.worker.harness import make_case
    from analyzer.spec import load_spec

    try:
        spec = load_spec(Path(task_dir))
        case = make_case(spec, size)
        if faults:
            intend_faults(spec, size, case, Path(out))
        else:
            np.savez(out, **case.expected)
    except Exception as exc:  # noqa: BLE001 - whatever the oracle raises is the reason the judge reports
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"{type(exc).__name__}: {message}"[:500], file=sys.stderr)
        return 1
    return 0


def intend_faults(spec: Any, size: str, case: Any, out: Path) -> None:
    """For every fault of the debuggability pass: does it apply to this task, what does an informative message
    name, and what is the intended answer (`<fault>.npz`); all in `manifest.json`."""
    import json

    import numpy as np

    from analyzer.worker.harness import import_file, reference
    from analyzer.contract import ORACLE_REQUIRED
    from analyzer.faults import FAULTS, DeclarationError, FaultError, inject

    oracle = import_file(spec.oracle_path, ORACLE_REQUIRED)
    manifest: dict[str, dict[str, Any]] = {}
    for fault in FAULTS:
        try:
            injected = inject(fault.name, case.inputs, spec.debug_data, spec.debug_labels)
        except FaultError as exc:  # a wrong [debug] table is the task's problem, reported as such
            manifest[fault.name] = {"applies": False, "why": str(exc), "declaration": isinstance(exc, DeclarationError)}
            continue
        intended = (reference(spec, oracle, injected.inputs, spec.sizes[size]) if fault.intended_from_faulted
                    else case.expected)
        np.savez(out / f"{fault.name}.npz", **intended)
        manifest[fault.name] = {"applies": True, "targets": list(injected.targets), "sizes": list(injected.sizes),
                                "words": list(injected.words),
                                "shapes": {key: list(shape) for key, shape in injected.shapes.items()}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
