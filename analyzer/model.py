"""The records every part of usability-score shares, with their JSON form.

Records are frozen dataclasses of plain values, so they pickle across processes and compare by value.
`to_dict` / `from_dict` give the JSON form; the document carries SCHEMA_VERSION.

Schema versions (record every change of format here):
  1  first version: static report (files, functions, API uses, ceremony, problems, environment);
     run records (status, errors, timing, compile latency, memory, cold start) and the study document.
  2  deployment: DeployRecord (one per model task and deployment path: export, artifact, reload in a fresh
     process, check against the oracle, latency) and the study document's "deployments" list. Version 1 documents
     are refused: run the study again.
  3  Timing gains probes (the machine probe's time before each sample, from which reports tell how disturbed the
     machine was while a run was timed). Version 2 documents are still read (their timings have no probes).
  4  Static figures leave out the harness's plumbing (analyzer.contract: load_weights, result, export, the export
     constants, and what only they use); FileMetrics gains `plumbing` (what was left out, the left-out code's own
     figures and the whole file's) and `ceremony_idioms` (family -> distinct idioms). Ceremony is counted by idiom
     family, the same families for every framework ("gradient computation", "seeding", ...), not by the old
     per-framework idiom names. Version 2 and 3 documents are still read: their files have no plumbing record
     (they were measured whole), no ceremony_idioms, and the old ceremony keys.
  5  The debuggability pass: the study document's "debug" list (DebugRecord: one per task, framework, variant,
     mode and injected fault) and "probes" list (ProbeRecord: print and breakpoint inside a compiled step, per
     framework and mode). Version 2 to 4 documents are still read: they have neither.
  6  The study document's "categories" (task -> catalog category, as the catalog said when the study ran), so that
     a report renders the same in any folder. Version 2 to 5 documents are still read: their reports take the
     categories from the catalog at hand, as before.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import platform
from dataclasses import dataclass, field
from typing import Any, Mapping

SCHEMA_VERSION = 6
#: Versions from_dict accepts: a newer reader fills what an older document lacks with its defaults.
READABLE_VERSIONS = (2, 3, 4, 5, 6)


@dataclass(frozen=True)
class FunctionMetrics:
    """Figures of one function or method."""

    name: str  #: qualified name inside the file: "setup", "Net.forward"
    line: int  #: line of the `def`
    sloc: int  #: source lines of code, docstrings and comments excluded
    statements: int  #: ast statement nodes
    cyclomatic: int  #: McCabe complexity
    cognitive: int  #: SonarSource cognitive complexity
    max_nesting: int  #: deepest nesting of control-flow blocks
    api_calls: int  #: framework call sites (calls and decorators) inside the function


class _CeremonyTotals:
    """Ceremony totals of a record holding `ceremony` (family -> occurrences) and `ceremony_idioms` (family ->
    distinct idioms): CodeFigures and FileMetrics alike."""

    ceremony: Mapping[str, int]
    ceremony_idioms: Mapping[str, tuple[str, ...]]

    @property
    def ceremony_total(self) -> int:
        """Ceremony occurrences, all families."""
        return sum(self.ceremony.values())

    @property
    def ceremony_distinct(self) -> int:
        """Distinct ceremony idioms, all families (an idiom belongs to one family)."""
        return sum(len(idioms) for idioms in self.ceremony_idioms.values())


@dataclass(frozen=True)
class CodeFigures(_CeremonyTotals):
    """Static figures of a body of code: the fields mean what FileMetrics's fields of the same names mean."""

    sloc: int
    statements: int
    tokens: int
    cyclomatic: int  #: decision points plus one, the code read as one program
    cognitive: int
    max_nesting: int
    api_calls: int
    api_distinct: int
    api_unresolved: int
    api_keywords: int
    api_string_args: int
    api_names: tuple[str, ...]
    unresolved_calls: tuple[str, ...]
    ceremony: Mapping[str, int]
    ceremony_idioms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plumbing:
    """What a file's scored figures leave out as the harness's plumbing (analyzer.contract.PLUMBING and
    PLUMBING_CONSTANTS, with the top-level helpers, imports and constants only they use), kept beside them so
    that figures "with plumbing" can be recomputed."""

    parts: tuple[str, ...]  #: what was left out, in source order: "def result", "class Wrapper", "import np", "X ="
    excluded: CodeFigures  #: the left-out code measured on its own (its API names resolved in the whole file)
    whole: CodeFigures  #: the whole file, plumbing included (whole.cyclomatic = scored + excluded - 1)


@dataclass(frozen=True)
class FileMetrics(_CeremonyTotals):
    """Static figures of one implementation file.

    The figures (sloc to ceremony_idioms) cover the user's code: the file minus its plumbing, which `plumbing`
    holds. A file without plumbing (a user's own corpus) is measured whole and has plumbing None.
    """

    task: str  #: task folder name
    framework: str  #: canonical framework name
    variant: str  #: "default" or the variant suffix
    path: str  #: the file, as given on the command line (relative to the corpus when possible)
    sloc: int  #: source lines of code (no blank lines, comments or docstrings)
    statements: int  #: ast statement nodes
    tokens: int  #: code tokens (no comments or docstrings)
    cyclomatic: int  #: decision points in the whole file, module level included, plus one
    cognitive: int  #: cognitive complexity of the whole file, module level included
    max_nesting: int  #: deepest control-flow nesting anywhere in the file
    api_calls: int  #: framework call sites, calls and decorators
    api_distinct: int  #: distinct framework API names used (calls, decorators and references)
    api_unresolved: int  #: call sites the resolver could neither attribute to a framework nor rule out
    api_keywords: int  #: keyword arguments passed to framework calls
    api_string_args: int  #: string-valued arguments to framework calls (activation="relu")
    api_names: tuple[str, ...]  #: the distinct fully qualified API names, methods included, sorted
    unresolved_calls: tuple[str, ...]  #: each unresolved callee as written, with its function: "run: batch.to"
    imports: tuple[str, ...]  #: imported modules
    ceremony: Mapping[str, int]  #: idiom family -> occurrences, every family of the framework (static.ceremony)
    functions: tuple[FunctionMetrics, ...] = ()  #: per-function breakdown, plumbing functions included
    ceremony_idioms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  #: family -> distinct idioms
    plumbing: Plumbing | None = None  #: what the figures leave out, and the whole file's figures; None: nothing


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be measured: it is reported as an error row, and the others are still measured."""

    path: str  #: the file
    task: str  #: task folder name, when known
    framework: str  #: canonical framework name, when known
    message: str  #: what is wrong, e.g. "does not parse: line 3: invalid syntax"


@dataclass(frozen=True)
class StaticReport:
    """The result of `usability-score static`: one record per measured file and one per problem."""

    corpus: str  #: the folder analysed
    files: tuple[FileMetrics, ...]
    problems: tuple[FileProblem, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["schema_version"] = self.schema_version
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "static report") -> "StaticReport":
        """A static report from its JSON form (analyzer.typed: every field's type checked; FieldError naming the
        field when one does not fit)."""
        from analyzer.typed import convert

        version = _readable_version(data)
        values = {**data, "files": [_with_figure_defaults(f) for f in _listed(data, "files")]}
        return dataclasses.replace(convert(values, cls, source=source), schema_version=version)


def _readable_version(data: Mapping[str, Any]) -> int:
    version = data.get("schema_version")
    if version not in READABLE_VERSIONS:
        expected = " or ".join(map(str, READABLE_VERSIONS))
        raise ValueError(f"schema_version {version!r} is not supported; expected {expected}")
    return int(version)


def file_metrics_from_dict(data: Mapping[str, Any], *, source: str = "file metrics") -> FileMetrics:
    """One file's figures from their JSON form; FieldError naming the field that does not fit."""
    from analyzer.typed import convert

    return convert(_with_figure_defaults(data), FileMetrics, source=source)


def _listed(data: Mapping[str, Any], key: str) -> list[Any]:
    found = data.get(key, ())
    return list(found) if isinstance(found, (list, tuple)) else found


def _with_figure_defaults(data: Any) -> Any:
    """What documents of versions 2 and 3 lack, filled in (their files had no unresolved calls recorded, no
    ceremony idioms and no plumbing); the types are then checked like any other document's."""
    if not isinstance(data, Mapping):
        return data
    values = {"api_names": [], "unresolved_calls": [], "ceremony": {}, **data}
    if isinstance(values.get("plumbing"), Mapping):
        plumbing = values["plumbing"]
        values["plumbing"] = {**plumbing, "excluded": _with_figure_defaults(plumbing.get("excluded")),
                              "whole": _with_figure_defaults(plumbing.get("whole"))}
    return values


def static_environment() -> dict[str, str]:
    """Versions that a static result depends on."""
    from importlib.metadata import PackageNotFoundError, version

    from analyzer._version import __version__

    env = {"python": platform.python_version(), "analyzer": __version__, "platform": platform.platform()}
    for package in ("radon", "libcst", "complexipy"):
        try:
            env[package] = version(package)
        except PackageNotFoundError:
            env[package] = "missing"
    return env


class Status(str, enum.Enum):
    """What became of a run (and of a deployment's export and reload). A str, so records compare and serialise
    as the plain words they are written as."""

    PASSED = "passed"  #: ran, and the parent's check against the oracle agreed
    WRONG_ANSWER = "wrong_answer"  #: ran, and the outputs differ from the oracle's beyond the task's tolerance
    CRASHED = "crashed"  #: raised, died, broke a limit, or its worker was overruled
    TIMED_OUT = "timed_out"  #: no record within the job's wall time
    SKIPPED = "skipped"  #: could not start here (framework not installed, no such device)
    NOT_APPLICABLE = "not_applicable"  #: the task declares no such mode or size, or the file is eager-only

    def __str__(self) -> str:
        return self.value


#: Statuses of a run, in the order reports list them.
RUN_STATUSES = tuple(status.value for status in Status)
#: Runs that never started: no figure, and no failure either.
NEVER_RAN = frozenset({Status.SKIPPED, Status.NOT_APPLICABLE})
#: Statuses that are not a failure of the study (exit status 0).
OK_STATUSES = frozenset({Status.PASSED, *NEVER_RAN})
#: When rounds of one job disagree, the worse status wins.
SEVERITY = {Status.PASSED: 0, Status.NOT_APPLICABLE: 1, Status.SKIPPED: 2, Status.WRONG_ANSWER: 3,
            Status.TIMED_OUT: 4, Status.CRASHED: 5}


@dataclass(frozen=True)
class Timing:
    """Steady-state time of one run() call, from repeated timed samples after warm-up."""

    median_s: float  #: median seconds per call
    iqr_s: float  #: inter-quartile range of the per-call samples, seconds
    ci_low_s: float  #: lower end of the 95% confidence interval of the median (bootstrap)
    ci_high_s: float  #: upper end of that interval
    mean_s: float  #: mean seconds per call
    stdev_s: float  #: standard deviation of the samples
    samples: tuple[float, ...]  #: seconds per call of each timed sample (each the mean over `loops` calls)
    loops: int  #: calls per sample, calibrated so a sample lasts at least the minimum measuring time
    unstable: bool  #: IQR / median above 10%: read the median with care
    probes: tuple[float, ...] = ()  #: seconds of the machine probe (a fixed Python loop) timed before each sample

    @property
    def min_s(self) -> float | None:
        """The fastest sample, seconds per call: the least disturbed one."""
        return min(self.samples) if self.samples else None


@dataclass(frozen=True)
class RunRecord:
    """One implementation in one mode on one device: its verdict and what was measured."""

    task: str
    framework: str
    variant: str  #: "default" or the variant suffix
    mode: str  #: "eager" or "compiled"
    device: str  #: "cpu" or "cuda"
    size: str  #: "small", "medium" or "full" (analyzer.spec.SIZES)
    status: Status  #: one of RUN_STATUSES (an unknown one makes the record unreadable)
    reason: str = ""  #: why, for every status but passed
    max_abs_err: float | None = None  #: against the oracle
    max_rel_err: float | None = None
    nondeterministic: bool | None = None  #: a second fresh run differed from the first
    import_s: float | None = None  #: importing the framework in a fresh worker (cold start)
    first_result_s: float | None = None  #: setup plus the first run() call, compilation included
    compile_s: float | None = None  #: first call minus the steady-state median: compile and first-call latency
    timing: Timing | None = None  #: steady state; None when not timed
    peak_host_mb: float | None = None  #: peak resident memory of the worker during this run, MiB
    peak_device_mb: float | None = None  #: peak accelerator memory from the framework's allocator, MiB
    flops: float | None = None  #: floating-point operations per run() call, from the task spec
    round: int = 0  #: the interleaving round this record was measured in
    #: the machine that measured it (CPU model and GPUs, as analyzer.model.machine_of names one) when that is not the
    #: study's own: a Ray node, a part of a merged study; "" for the study's machine
    machine: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.task, self.framework, self.variant, self.mode, self.size)


def run_record_from_dict(data: Mapping[str, Any], *, source: str = "run record") -> RunRecord:
    """A run record from its JSON form; FieldError (a ValueError) naming the field that does not fit, an unknown
    status included."""
    from analyzer.typed import convert

    return convert(data, RunRecord, source=source)


@dataclass(frozen=True)
class DeployRecord:
    """One model task shipped one way (a deployment path): exported, reloaded in a fresh process that never
    imported the implementation, checked against the oracle and timed."""

    task: str
    framework: str  #: the framework whose implementation exported it
    path: str  #: the deployment path: "torch_export", "onnx", "torchscript", "saved_model", "litert", ...
    status: str  #: one of RUN_STATUSES; passed means reloaded and equal to the oracle within the task's tolerance
    reason: str = ""  #: why, for every status but passed; says whether the export or the reload failed
    legacy: bool = False  #: a deprecated path (TorchScript): reported, not scored
    device: str = "cpu"  #: where it was exported and reloaded
    size: str = "small"  #: the task's input size
    export_s: float | None = None  #: wall time of the implementation's export() call
    artifact_bytes: int | None = None  #: size of the artifact on disk (a folder: every file in it)
    export_sloc: int | None = None  #: source lines of the implementation's export function (static analysis)
    runtime: str = ""  #: what reloaded the artifact, with its version: "onnxruntime 1.22.0"
    import_s: float | None = None  #: importing that runtime in the fresh reload process
    reload_s: float | None = None  #: loading the artifact into something callable, runtime already imported
    max_abs_err: float | None = None  #: the reloaded artifact's outputs against the oracle
    max_rel_err: float | None = None
    latency: Timing | None = None  #: steady-state time of one inference call on the reloaded artifact
    isolated: bool | None = None  #: checked in the reload process: the implementation was never imported there

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.task, self.framework, self.path)

    @property
    def latency_s(self) -> float | None:
        return self.latency.median_s if self.latency else None


def deploy_record_from_dict(data: Mapping[str, Any], *, source: str = "deployment record") -> DeployRecord:
    """A deployment record from its JSON form; FieldError naming the field that does not fit."""
    from analyzer.typed import convert

    return convert(data, DeployRecord, source=source)


@dataclass(frozen=True)
class DebugRecord:
    """One implementation in one mode given one injected fault (analyzer.faults): what happened and what its error,
    if any, told the reader (analyzer.debugging)."""

    task: str
    framework: str
    variant: str
    mode: str
    fault: str  #: analyzer.faults name
    size: str
    device: str
    status: str  #: "raised" or "returned" (judged), else crashed, timed_out, not_applicable, skipped
    outcome: str = ""  #: raised, handled, silent_wrong, silent_shape or nonfinite; "" when there is none
    phase: str = ""  #: where it raised: setup, first_call or later_call
    error: str = ""  #: the final exception's type
    message: str = ""  #: the final exception's text (its first 600 characters)
    message_chars: int | None = None  #: characters of the final exception's text
    frames_total: int | None = None  #: traceback frames, every chained exception
    frames_user: int | None = None  #: of those, frames in the implementation file
    user_line: int | None = None  #: the implementation file's line nearest the raise
    user_source: str = ""  #: that line's text
    localised: bool | None = None  #: that line is one the faulty input flows through
    informative: bool | None = None  #: the message names the offending size, dtype or NaN/Inf
    warnings: int = 0  #: Python warnings raised meanwhile
    warning: str = ""  #: the first of them
    score: float | None = None  #: analyzer.debugging.fault_score
    reason: str = ""  #: why, for crashed, timed_out, not_applicable and skipped

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.task, self.framework, self.variant, self.mode, self.fault)


@dataclass(frozen=True)
class ProbeRecord:
    """A fixed training step with a print, a breakpoint() and the framework's own debug print inside, called
    `calls` times in one framework and mode (analyzer.worker.probe): how many times each ran."""

    framework: str
    mode: str
    status: str  #: passed, or crashed / skipped with the reason
    calls: int = 0
    python_print: int | None = None
    breakpoint: int | None = None
    framework_print: int | None = None  #: tf.print / jax.debug.print; None where the framework has none (torch)
    reason: str = ""


def machine_of(environment: Mapping[str, Any]) -> str:
    """A short name of a machine from a study's environment: its CPU model and GPUs."""
    gpus = [str(g.get("name", "")) for g in environment.get("gpus", ()) if isinstance(g, dict)]
    return " + ".join(filter(None, [str(environment.get("cpu", "")), *gpus]))


def _run_dict(run: RunRecord) -> dict[str, Any]:
    data = dataclasses.asdict(run)
    if not data["machine"]:  # the study's own machine: said once, in its environment
        del data["machine"]
    return data


@dataclass(frozen=True)
class StudyResults:
    """Everything one study produced: static figures, runs, and the environment they were measured in."""

    static: StaticReport | None = None
    runs: tuple[RunRecord, ...] = ()
    environment: Mapping[str, Any] = field(default_factory=dict)  #: CPU, threads, GPU, versions, precision flags
    created: str = ""  #: ISO 8601 time the study finished
    deployments: tuple[DeployRecord, ...] = ()  #: one per model task and deployment path, when measured
    debug: tuple[DebugRecord, ...] = ()  #: the debuggability pass, when measured
    probes: tuple[ProbeRecord, ...] = ()  #: print/breakpoint probes, when measured
    schema_version: int = SCHEMA_VERSION
    #: task -> catalog category, as the catalog said when the study ran (schema 6); {} in older documents
    categories: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "created": self.created,
            "environment": dict(self.environment),
            "static": self.static.to_dict() if self.static else None,
            "runs": [_run_dict(run) for run in self.runs],
            "deployments": [dataclasses.asdict(record) for record in self.deployments],
            "debug": [dataclasses.asdict(record) for record in self.debug],
            "probes": [dataclasses.asdict(record) for record in self.probes],
            **({"categories": dict(self.categories)} if self.categories else {}),
        }

    @property
    def machine(self) -> str:
        """The machine the study ran on (where its records name none of their own)."""
        return machine_of(self.environment)

    @property
    def machines(self) -> tuple[str, ...]:
        """Every machine whose measured runs the study holds, in order of appearance (a Ray cluster's nodes, the
        parts of a merged study); runs that never started name none."""
        ran = (run.machine or self.machine for run in self.runs if run.status not in NEVER_RAN)
        return tuple(dict.fromkeys(ran)) or (self.machine,)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "study") -> "StudyResults":
        """A study from its JSON form (analyzer.typed: every record's fields checked; FieldError naming the field,
        e.g. `runs[3].timing.loops`, when one does not fit)."""
        from analyzer.typed import convert

        version = _readable_version(data)
        static = data.get("static")
        study = convert({**data, "static": None}, cls, source=source)
        return dataclasses.replace(study, schema_version=version,
                                   static=StaticReport.from_dict(static, source=f"{source}: static") if static
                                   else None)

