"""The worker protocol, typed at both ends (as pyperf's worker protocol is): the Job the parent writes on a worker's
stdin, one JSON line each, and the reply the worker writes back for each kind of job.

The parent encodes a Job with msgspec; the worker decodes the line into the same Job type (analyzer.worker.main),
so a field the worker reads is a field the parent declared. A reply is contributed-code territory (the worker ran
an implementation, which can write anything into its record file), so the parent checks every reply against the
type of its job's kind (`checked_reply`): a field of the wrong type makes the reply malformed, a field the kind does
not declare is dropped, and what remains goes on to the judge, which believes nothing it can check itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from analyzer.frameworks import deploy_path
from analyzer.model import Timing
from analyzer.typed import convert, decode_json, encode_json

#: Prefix of the workers that serve reload jobs: they import only the runtime an artifact needs, never an
#: implementation.
RELOAD_WORKER = "reload"


@dataclass(frozen=True)
class Job:
    """One implementation to run once against its oracle, and optionally to time; or one deployment path to
    export (kind "export") or to reload and check (kind "reload"); or one injected fault (kind "fault") or the
    print/breakpoint probe (kind "probe")."""

    id: str  #: unique within a run
    task: str
    framework: str
    variant: str
    mode: str
    task_dir: str
    impl_path: str
    size: str = "small"
    device: str = "cpu"  #: "cpu", "cuda" or "auto"
    threads: int = 1
    timing: bool = False
    check_determinism: bool = True
    policy: dict[str, Any] = field(default_factory=dict)  #: TimingPolicy overrides
    kind: str = "run"  #: "run", "export", "reload", "fault" (debuggability pass) or "probe" (print/breakpoint)
    deploy_path: str = ""  #: export and reload: the deployment path (analyzer.frameworks.DEPLOY_PATHS)
    artifact: str = ""  #: export: the folder to write into; reload: the artifact export() returned
    export_inputs: tuple[str, ...] = ()  #: reload: task inputs the artifact takes, in order
    export_outputs: tuple[str, ...] = ()  #: reload: oracle outputs the artifact gives, in order
    isolated: bool = False  #: served by a worker started for this job alone and closed after it
    cpu_s: float = 0.0  #: CPU-time cap of this job, set by the pool from its Limits (the worker enforces it)
    arrays_dir: str = ""  #: run and fault: the folder, made by the pool, where the worker hands its outputs over
    fault: str = ""  #: fault: the fault of the debuggability pass to apply (analyzer.faults)

    @property
    def worker(self) -> str:
        """The worker that serves this job: its framework's, or the reload worker of its artifact's runtime."""
        if self.kind != "reload":
            return self.framework
        return f"{RELOAD_WORKER}-{deploy_path(self.deploy_path).runtime}"


def job_line(job: Job) -> bytes:
    """The line the parent writes on a worker's stdin."""
    return encode_json(job) + b"\n"


def read_job(line: str | bytes) -> Job:
    """The job a worker reads from a line of its stdin (FieldError if the line is not one)."""
    return decode_json(line, Job, source="job")


# ---------------------------------------------------------------------------------------------------- replies
# Every reply names its job and says a status (the worker's claim, which the judge checks) and why. A field left at
# its default is left out when the reply is passed on, so the parent sees what the worker wrote, of checked types.


class _Reply(msgspec.Struct, frozen=True, omit_defaults=True):
    job: str
    status: str
    reason: str = ""


class RunReply(_Reply, frozen=True, omit_defaults=True):
    """A timed run: analyzer.worker.session."""

    import_s: float | None = None
    versions: dict[str, Any] | None = None
    device: str | None = None
    accelerators: list[Any] | None = None
    first_result_s: float | None = None
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    timing: Timing | None = None
    compile_s: float | None = None
    peak_host_mb: float | None = None
    peak_device_mb: float | None = None


class ExportReply(_Reply, frozen=True, omit_defaults=True):
    """An export: analyzer.worker.deploy.export_job."""

    versions: dict[str, Any] | None = None
    export_inputs: list[str] | None = None
    export_outputs: list[str] | None = None
    export_s: float | None = None
    artifact: str | None = None
    artifact_bytes: int | None = None


class ReloadReply(_Reply, frozen=True, omit_defaults=True):
    """A reload in a fresh process: analyzer.worker.deploy.reload_job."""

    runtime: str | None = None
    import_s: float | None = None
    reload_s: float | None = None
    latency: Timing | None = None
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    isolated: bool | None = None


class FaultReply(_Reply, frozen=True, omit_defaults=True):
    """A run with an injected fault: analyzer.worker.debug_job.fault_job."""

    import_s: float | None = None
    versions: dict[str, Any] | None = None
    device: str | None = None
    phase: str | None = None
    error: str | None = None
    traceback: str | None = None
    warnings: int | None = None
    warning: str | None = None


class ProbeReply(_Reply, frozen=True, omit_defaults=True):
    """The print/breakpoint probe: analyzer.worker.debug_job.probe_job."""

    versions: dict[str, Any] | None = None
    probe: dict[str, int | None] | None = None


class FaultAnswer(msgspec.Struct, frozen=True):
    """What the oracle process says of one fault for a task and size (analyzer.worker.oracle writes them into
    manifest.json, fault name -> answer): whether it applies, and what an informative error would name."""

    applies: bool
    why: str = ""  #: why it does not apply
    declaration: bool = False  #: it does not apply because the task's [debug] declaration is wrong
    targets: list[str] = []  #: the inputs the fault was injected into
    sizes: list[int] = []  #: sizes an informative message names
    words: list[str] = []  #: words an informative message names (a dtype, NaN)
    shapes: dict[str, list[int]] = {}  #: the faulty inputs' shapes


def read_manifest(text: bytes) -> dict[str, FaultAnswer]:
    """The oracle's fault manifest (FieldError if it is not one: the oracle ran contributed code too)."""
    return decode_json(text, dict[str, FaultAnswer], source="the oracle's fault manifest")


#: The reply each kind of job gets.
REPLIES: dict[str, type[_Reply]] = {"run": RunReply, "export": ExportReply, "reload": ReloadReply,
                                    "fault": FaultReply, "probe": ProbeReply}


def checked_reply(raw: Any, kind: str) -> dict[str, Any]:
    """A worker's reply to a job of `kind`, its fields checked against the kind's reply type and any other field
    dropped, as plain values; FieldError (a ValueError) saying which field does not fit."""
    reply = convert(raw, REPLIES[kind], source="the worker's record")
    return _plain(msgspec.to_builtins(reply))


def _plain(value: Any) -> Any:
    """Lists where the typed records hold tuples: the reply as a JSON reader would have given it."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
