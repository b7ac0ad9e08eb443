"""The implementation contract, defined once: what a task's implementation file defines, and which of it is the
harness's plumbing rather than the user's code.

    setup(inputs, device) -> state       the user's code: build the model, optimiser and data (random init is fine)
    load_weights(state, inputs)          optional plumbing: copy the task's given initial weights into the state,
                                         converting from the task's layout; changes the state in place (or returns
                                         a new one)
    run(state) -> output                 the user's code, timed
    result(state, output) -> dict        plumbing: the outputs the oracle checks; values may be framework tensors,
                                         which the framework's adapter converts to NumPy the way it needs
    export(state, directory, path)       plumbing for deployment, model tasks only

Static figures that are scored cover a file minus its plumbing (`PLUMBING`), so code that only exists because of
the harness is never scored as the user's. This module imports nothing beyond the standard library: the parent,
static analysis and the workers all read it.
"""

from __future__ import annotations

#: Top-level functions every implementation file defines.
REQUIRED: tuple[str, ...] = ("setup", "run", "result")
#: Top-level functions an implementation file may define.
OPTIONAL: tuple[str, ...] = ("load_weights", "export")
#: The functions that exist for the harness, not for the user: left out of every scored static figure.
PLUMBING: tuple[str, ...] = ("load_weights", "result", "export")
#: Module-level names that only declare things to the harness (the export's input and output names).
PLUMBING_CONSTANTS: tuple[str, ...] = ("EXPORT_INPUTS", "EXPORT_OUTPUT")
#: The deployment export function.
EXPORT_FUNCTION = "export"
#: Functions every oracle file defines.
ORACLE_REQUIRED: tuple[str, ...] = ("make_inputs", "reference")
