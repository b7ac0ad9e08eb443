"""Command-line entry point: parse arguments, call the core, hand results to the reporters. Nothing else."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from analyzer._version import __version__
from analyzer.corpus import DEFAULT_VARIANT, project_folder
from analyzer.spec import STUDY_MODES, STUDY_SIZES

app = typer.Typer(
    name="usability-score",
    help="Measured comparison of PyTorch, TensorFlow/Keras and JAX on paired reference implementations.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped or redirected output gets a fixed, generous width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)


def flag(default: bool, *names: str, **options: object):
    """A boolean option shown as a plain flag in --help (no "<bool>" placeholder)."""
    return typer.Option(default, *names, metavar="", **options)


def executor_option():
    return typer.Option("local", "--executor", help="local (one job after another on this machine) or ray (each "
                        "job a Ray task on a cluster; pip install 'usability-score[ray]'; see the README's scaling "
                        "out).")


def lanes_option():
    return typer.Option(1, "--lanes", help="Jobs run at once on this machine (default 1: one after another, so "
                        "that no job is timed beside another; N lanes finish sooner on N free cores, and the "
                        "machine probe records how much each timing was disturbed).")


def ray_address_option():
    return typer.Option(None, "--ray-address", help="With --executor ray: the cluster to join (ray://HOST:10001, "
                        "HOST:6379 or auto); default: start a Ray instance on this machine.")


def ray_resource_option():
    return typer.Option(None, "--ray-resource", help="With --executor ray: a custom resource naming the hardware "
                        "kind every job must run on (nodes started with ray start --resources '{\"NAME\": N}').")


def shard_option():
    """--shard K/N, the same on run, deploy and debug."""
    return typer.Option(None, "--shard", help="K/N: run only the K-th of N balanced, deterministic parts of the job "
                        "list (for N machines; see the README's scaling out).")


def force_option():
    """--force, the same on run, deploy and debug."""
    return flag(False, "--force", help="Replace the records --out already holds (without it, a folder holding "
                "results is refused unless --resume).")


#: -q / -v, set by the top-level options: 0 quiet, 1 normal, 2 verbose.
VERBOSITY = {"level": 1}


class JobProgress:
    """Progress of a pass: a bar in a terminal; elsewhere (a pipe, a log file, CI) one line per finished job on
    stderr, so that a long study is never silent; -v gives the lines in a terminal too, -q neither."""

    def __init__(self, verb: str) -> None:
        self.verb, self.label, self.count, self.total = verb, "", 0, 0
        self.bar = None
        self.lines = VERBOSITY["level"] >= 2 or (VERBOSITY["level"] == 1 and not console.is_terminal)

    def __enter__(self) -> "JobProgress":
        if VERBOSITY["level"] >= 1 and console.is_terminal and not self.lines:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=console, transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task(self.verb, total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def plan(self, total: int) -> None:
        self.total = total
        if self.bar is not None:
            self.bar.update(self.task, total=total)

    def start(self, label: str) -> None:
        self.label = label
        if self.bar is not None:
            self.bar.update(self.task, description=label)

    def done(self, record: object) -> None:
        """A record is in: advance the bar, or print its line (what it is, from the record itself, and its status)."""
        self.count += 1
        if self.bar is not None:
            self.bar.advance(self.task)
        elif self.lines:
            from analyzer.text import printable

            status = str(getattr(record, "outcome", "") or getattr(record, "status", ""))
            err_console.print(f"[{self.count}/{self.total}] {self.verb} {printable(_describe(record))}: "
                              f"{printable(status)}", markup=False, highlight=False, soft_wrap=True)


def _describe(record: object) -> str:
    """What a record is about, in words: "mlp torch (fit) compiled small", "cnn tensorflow litert", ..."""
    parts = [str(getattr(record, name, "") or "") for name in ("task", "framework")]
    variant = getattr(record, "variant", DEFAULT_VARIANT)
    if variant and variant != DEFAULT_VARIANT:
        parts.append(f"({variant})")
    parts += [str(getattr(record, name, "") or "") for name in ("path", "mode", "size", "fault")]
    if not getattr(record, "task", ""):  # a probe
        parts.insert(0, "probe")
    return " ".join(part for part in parts if part)


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print a one-line error and return the Exit to raise."""
    from rich.text import Text

    from analyzer.text import printable

    # Plain text, not markup: messages quote paths and names that may hold brackets or control characters.
    err_console.print(Text.assemble(("error:", "bold red"), " ", printable(message)), highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _select_tasks(catalog, task_ids: Optional[List[str]]) -> list:
    if not task_ids:
        return list(catalog.tasks)
    unknown = [t for t in task_ids if catalog.get(t) is None]
    if unknown:
        known = ", ".join(t.id for t in catalog.tasks)
        raise fail(f"unknown task(s) {', '.join(unknown)}; known tasks: {known}")
    return [catalog.get(t) for t in task_ids]


@app.command("static")
def static_cmd(
    path: Path = typer.Argument(Path("reference_impls"), help="A corpus folder of <task>/<framework>.py files."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the full results as JSON to this file; "
                                            "`--json -` prints only the JSON, on stdout, as --json does elsewhere."),
    task: Optional[List[str]] = typer.Option(None, "--task", "-t", help="Only these tasks (repeatable)."),
    framework: Optional[List[str]] = typer.Option(None, "--framework", "-f", help="Only these frameworks."),
    no_cache: bool = flag(False, "--no-cache", help="Measure every file afresh."),
) -> None:
    """Measure the code of every implementation (never imports or runs it)."""
    from analyzer.corpus import CorpusError, discover
    from analyzer.frameworks import UnknownFrameworkError, canonical_framework
    from analyzer.reporting.console import print_static
    from analyzer.static.batch import analyze_corpus
    from analyzer.static.cache import StaticCache

    try:
        frameworks = [canonical_framework(name) for name in framework or []]
    except UnknownFrameworkError as exc:
        raise fail(f"--framework: {exc}")
    try:
        corpus = discover(path)
    except CorpusError as exc:
        raise fail(str(exc))
    unknown = sorted(set(task or []) - set(corpus.tasks()))
    if unknown:
        raise fail(f"--task: no task {', '.join(unknown)} in {path}; found: {', '.join(corpus.tasks()) or 'none'}")
    report = analyze_corpus(corpus, tasks=task or [], frameworks=frameworks,
                            cache=None if no_cache else StaticCache())
    if json_out == Path("-"):
        sys.stdout.write(report.to_json() + "\n")
    else:
        print_static(console, report)
    if json_out is not None and json_out != Path("-"):
        try:
            json_out.write_text(report.to_json(), encoding="utf-8")
        except OSError as exc:
            raise fail(f"--json {json_out}: cannot write ({exc.strerror})")
        console.print(f"wrote {json_out}", highlight=False, soft_wrap=True)
    if not report.files and not report.problems:
        raise fail(f"{path}: no implementation files found; expected <task>/<framework>.py")
    raise typer.Exit(1 if report.problems else 0)


def _frameworks(names: Optional[List[str]]) -> tuple[str, ...]:
    from analyzer.frameworks import FRAMEWORKS, UnknownFrameworkError, canonical_framework

    try:
        chosen = [canonical_framework(name) for name in names or []]
    except UnknownFrameworkError as exc:
        raise fail(f"--framework: {exc}")
    return tuple(dict.fromkeys(chosen)) or tuple(FRAMEWORKS)


def _check_choice(flag: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise fail(f"{flag} {value!r}: expected one of {', '.join(choices)}")


@app.command("run")
def run_cmd(
    task: Optional[List[str]] = typer.Option(None, "--task", "-t", help="Only these tasks (repeatable)."),
    framework: Optional[List[str]] = typer.Option(None, "--framework", "-f", help="Only these frameworks."),
    mode: List[str] = typer.Option(["eager"], "--mode", "-m", help="eager, compiled (repeatable)."),
    device: str = typer.Option("auto", "--device", help="auto (a GPU wherever a framework sees one), cpu, cuda."),
    size: List[str] = typer.Option(["small"], "--size", help="small (overhead-bound), medium (compute-bound on one "
                                   "CPU core) or full (GPU-sized); repeatable."),
    rounds: int = typer.Option(1, "--rounds", help="Repeat the whole interleaved pass this many times."),
    threads: int = typer.Option(1, "--threads", help="Threads per framework, the same for all (0: every available "
                                "core). One keeps timings reproducible on a shared or small machine."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for runs.jsonl and study.json."),
    resume: bool = flag(False, "--resume", help="Keep the records already in --out and run the rest."),
    shard: Optional[str] = shard_option(),
    costs: Optional[Path] = typer.Option(None, "--costs", help="An earlier study.json whose job times balance the "
                                         "shards (default: an estimate from each job's mode and size)."),
    executor: str = executor_option(),
    ray_address: Optional[str] = ray_address_option(),
    ray_resource: Optional[str] = ray_resource_option(),
    lanes: int = lanes_option(),
    force: bool = force_option(),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds one job may take before it is stopped."),
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/."),
    sandbox: bool = flag(True, "--sandbox/--no-sandbox", help="Run contributed code in the namespace "
                                 "sandbox where the OS allows it (see the README's threat model)."),
    fresh_workers: bool = flag(False, "--fresh-workers", help="A new worker process for every job, so "
                                       "that nothing a job changes in its worker reaches the next (slower: every "
                                       "job pays its framework's import)."),
    as_json: bool = flag(False, "--json", help="Print JSON to stdout instead of tables."),
) -> None:
    """Run every implementation in worker processes: check it against its oracle and time it. The study it writes
    also holds the static figures of the same implementations, so that `report` scores every dimension."""
    plan = _run_plan(mode=mode, framework=framework, device=device, size=size, rounds=rounds, threads=threads,
                     timeout=timeout, sandbox=sandbox, fresh_workers=fresh_workers, shard=shard,
                     ray=_ray_settings(executor, ray_address, ray_resource), lanes=lanes)
    selected = _select_tasks(_catalog(root), task)
    skipped = _skipped_tasks(selected)
    from analyzer.orchestration import run_pass, static_figures

    static = static_figures(_catalog_root(root), selected, plan.frameworks)  # code figures of what it runs
    with _pass_errors():
        records = run_pass(selected, plan, out=out, resume=resume, static=static, force=force, costs=costs,
                           progress=JobProgress, warn=_warn).runs
    from analyzer.execution.stats import disturbed
    from analyzer.reporting.console import print_failures, run_table

    if as_json:
        import dataclasses

        _print_json([dataclasses.asdict(r) for r in records])
    else:
        console.print(run_table(records, disturbed=disturbed([r.timing for r in records])))
        print_failures(console, records)
    from analyzer.model import OK_STATUSES

    passed = all(r.status in OK_STATUSES for r in records)
    raise typer.Exit(0 if passed and not (task and skipped) else 1)


def _skipped_tasks(selected) -> list[str]:
    """The selected tasks that cannot run (no valid spec, or a broken file), each listed with why on stderr."""
    from analyzer.text import printable

    skipped = [t for t in selected if t.spec is None or t.problems]
    for t in skipped:
        err_console.print(f"skipped {printable(t.id)}: " + "; ".join(map(printable, t.problems or ("no spec",))),
                          markup=False, highlight=False, soft_wrap=True)
    return [t.id for t in skipped]


def _shard(text: Optional[str]):
    from analyzer.sharding import ShardError, parse_shard

    try:
        return parse_shard(text) if text else None
    except ShardError as exc:
        raise fail(str(exc))


def _ray_settings(executor: str, address: Optional[str], resource: Optional[str]):
    """None for the local executor; the Ray settings for --executor ray (refused, with the install command, where
    Ray is not installed)."""
    _check_choice("--executor", executor, ("local", "ray"))
    if executor == "local":
        if address or resource:
            raise fail(f"{'--ray-address' if address else '--ray-resource'} applies to --executor ray only")
        return None
    from analyzer.execution.ray_executor import RaySettings, available

    if (why := available()) is not None:
        raise fail(f"--executor ray: {why}")
    if resource is not None and not resource.strip():
        raise fail("--ray-resource: expected the name of a custom resource")
    return RaySettings(address=address or None, resource=resource or "")


def _run_plan(*, mode, framework, device, size, rounds, threads, timeout, sandbox=True, fresh_workers=False,
              shard=None, ray=None, lanes=1):
    from analyzer.environment import available_cores
    from analyzer.execution.runner import Limits
    from analyzer.spec import MODES, SIZES
    from analyzer.study import RunPlan

    for m in mode:
        _check_choice("--mode", m, MODES)
    _check_choice("--device", device, ("auto", "cpu", "cuda"))
    for s in size:
        _check_choice("--size", s, SIZES)
    if rounds < 1:
        raise fail(f"--rounds {rounds}: expected a whole number of at least 1")
    if threads < 0:
        raise fail(f"--threads {threads}: expected a whole number of at least 1 (0: every available core)")
    if timeout <= 0:
        raise fail(f"--timeout {timeout:g}: expected a positive number of seconds")
    if lanes < 1:
        raise fail(f"--lanes {lanes}: expected a whole number of at least 1")
    if lanes > 1 and ray is not None:
        raise fail("--lanes applies to the local executor; on Ray, the cluster's resources decide what runs at once")
    return RunPlan(modes=tuple(dict.fromkeys(mode)), frameworks=_frameworks(framework), device=device,
                   sizes=tuple(dict.fromkeys(size)), threads=threads or available_cores(), rounds=rounds,
                   limits=Limits(timeout_s=timeout, sandbox=sandbox, fresh_workers=fresh_workers),
                   shard=str(_shard(shard) or ""), ray=ray, lanes=lanes)


@app.command("deploy")
def deploy_cmd(
    task: Optional[List[str]] = typer.Option(None, "--task", "-t", help="Only these model tasks (repeatable)."),
    framework: Optional[List[str]] = typer.Option(None, "--framework", "-f", help="Only these frameworks."),
    path: Optional[List[str]] = typer.Option(None, "--path", "-p", help="Only these deployment paths "
                                             "(torch_export, onnx, torchscript, saved_model, litert, jax_export, "
                                             "jax2tf)."),
    size: str = typer.Option("small", "--size", help="small (overhead-bound), medium (compute-bound on one CPU core) or full (GPU-sized)."),
    threads: int = typer.Option(1, "--threads", help="Threads per framework (0: every available core)."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for deployments.jsonl and study.json."),
    resume: bool = flag(False, "--resume", help="Keep the records already in --out and measure the rest."),
    shard: Optional[str] = shard_option(),
    force: bool = force_option(),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds one export or reload may take."),
    keep_artifacts: bool = flag(False, "--keep-artifacts", help="Leave the artifacts in --out/artifacts."),
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/."),
    sandbox: bool = flag(True, "--sandbox/--no-sandbox", help="Run contributed code in the namespace "
                                 "sandbox where the OS allows it (see the README's threat model)."),
) -> None:
    """Ship every model task each way its framework offers, on the CPU: export it, reload the artifact in a fresh
    process that never imported the implementation, check it against the oracle and time it. A path that fails
    is a recorded result with its reason (exit status 0)."""
    from analyzer.deployment import DEPLOYMENTS_FILE
    from analyzer.reporting.scorecard import deployment_failures, deployment_table

    plan = _deploy_plan(framework=framework, path=path, size=size, threads=threads, timeout=timeout,
                        keep_artifacts=keep_artifacts, sandbox=sandbox)
    selected = _select_tasks(_catalog(root), task)
    if task:
        not_models = [t.id for t in selected if t.spec is None or not t.spec.model]
        if not_models:
            raise fail(f"--task: {', '.join(not_models)} define(s) no model (task.toml has no `model = true`)")
    from analyzer.orchestration import deploy_pass, into_saved_study

    with _pass_errors():
        study, written = into_saved_study(out, DEPLOYMENTS_FILE, lambda saved, save: deploy_pass(
            selected, plan, out=out, resume=resume, study=saved, save=save, force=force, shard=_shard(shard),
            progress=JobProgress))
    console.print(deployment_table(study.deployments))
    console.print(deployment_failures(study.deployments))
    console.print(written, highlight=False, soft_wrap=True)


@app.command("debug")
def debug_cmd(
    task: Optional[List[str]] = typer.Option(None, "--task", "-t", help="Only these tasks (repeatable; each must "
                                             "declare [debug] data in its task.toml)."),
    framework: Optional[List[str]] = typer.Option(None, "--framework", "-f", help="Only these frameworks."),
    mode: List[str] = typer.Option(list(STUDY_MODES), "--mode", "-m", help="Modes: eager, compiled."),
    fault: Optional[List[str]] = typer.Option(None, "--fault", help="Only these faults (default: all; see the "
                                              "README's debuggability section)."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for debug.jsonl, probes.jsonl and study.json."),
    resume: bool = flag(False, "--resume", help="Keep the records already in --out and measure the rest."),
    shard: Optional[str] = shard_option(),
    force: bool = force_option(),
    timeout: float = typer.Option(120.0, "--timeout", help="Seconds one fault job may take."),
    probes: bool = flag(True, "--probes/--no-probes", help="Also run the print/breakpoint probe per "
                                "framework and mode."),
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/."),
    sandbox: bool = flag(True, "--sandbox/--no-sandbox", help="Run contributed code in the namespace "
                                 "sandbox where the OS allows it (see the README's threat model)."),
) -> None:
    """The debuggability pass alone: inject each fault (a wrong feature size, a missing batch axis, a wrong dtype,
    NaN, ...) into the data of every task that declares it, in every framework and mode, and record whether an
    error came, where it points and what it says, or what went wrong silently."""
    from analyzer.debug_pass import DEBUG_FILE, debug_tasks
    from analyzer.reporting.debug import debug_tables
    from analyzer.reporting.scorecard import to_rich

    plan = _debug_plan(framework=framework, mode=mode, fault=fault, timeout=timeout, probes=probes, sandbox=sandbox)
    selected = _select_tasks(_catalog(root), task)
    if task:
        undeclared = sorted({t.id for t in selected} - {t.id for t in debug_tasks(selected)})
        if undeclared:
            raise fail(f"--task: {', '.join(undeclared)} declare(s) no [debug] data in task.toml (or has problems; "
                       f"see `usability-score validate`)")
    from analyzer.orchestration import debug_pass, into_saved_study

    with _pass_errors():
        study, written = into_saved_study(out, DEBUG_FILE, lambda saved, save: debug_pass(
            selected, plan, out=out, resume=resume, study=saved, save=save, force=force, shard=_shard(shard),
            progress=JobProgress))
    for table in to_rich(debug_tables(study.debug, study.probes)):
        console.print(table)
    console.print(written, highlight=False, soft_wrap=True)


def _debug_plan(*, framework, mode, fault, timeout, probes=True, sandbox=True):
    from analyzer.debug_pass import DebugPlan
    from analyzer.execution.runner import Limits
    from analyzer.faults import BY_NAME
    from analyzer.spec import MODES

    for name in mode:
        _check_choice("--mode", name, MODES)
    for name in fault or []:
        _check_choice("--fault", name, tuple(BY_NAME))
    if timeout <= 0:
        raise fail(f"--timeout {timeout:g}: expected a positive number of seconds")
    return DebugPlan(frameworks=_frameworks(framework), modes=tuple(dict.fromkeys(mode)),
                     faults=tuple(dict.fromkeys(fault or BY_NAME)), probes=probes,
                     limits=Limits(timeout_s=timeout, sandbox=sandbox))


def _deploy_plan(*, framework, path, size, threads, timeout, keep_artifacts, sandbox=True):
    from analyzer.deployment import DeployPlan
    from analyzer.environment import available_cores
    from analyzer.execution.runner import Limits
    from analyzer.frameworks import DEPLOY_PATHS
    from analyzer.spec import SIZES

    _check_choice("--size", size, SIZES)
    for name in path or []:
        _check_choice("--path", name, tuple(p.name for p in DEPLOY_PATHS))
    if threads < 0:
        raise fail(f"--threads {threads}: expected a whole number of at least 1 (0: every available core)")
    if timeout <= 0:
        raise fail(f"--timeout {timeout:g}: expected a positive number of seconds")
    return DeployPlan(frameworks=_frameworks(framework), paths=tuple(dict.fromkeys(path or [])), size=size,
                      threads=threads or available_cores(), limits=Limits(timeout_s=timeout, sandbox=sandbox),
                      keep_artifacts=keep_artifacts)


def _load_weights(path: Optional[Path]):
    from analyzer.scoring import WeightsError, load_weights

    try:
        return load_weights(path)
    except WeightsError as exc:
        raise fail(f"--weights: {exc}")


def _show_report(report, out: Path) -> None:
    """Print the scorecard and write every report format into `out`."""
    from analyzer.reporting.files import write_report
    from analyzer.reporting.scorecard import rich_report
    from analyzer.reporting.view import report_view

    view = report_view(report)  # built once: the console, Markdown and HTML draw the same one
    console.print(rich_report(view))
    written = write_report(report, out, view=view)
    console.print("reports: " + ", ".join(str(p) for p in written), highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _pass_errors():
    """A pass's errors as the CLI's: a one-line message and exit status 2, or 130 when interrupted."""
    from analyzer.orchestration import Interrupted, PassError
    from analyzer.scoring import ScoringError

    try:
        yield
    except PassError as exc:
        raise fail(str(exc))
    except ScoringError as exc:
        raise fail(f"scoring: {exc}")
    except Interrupted as exc:
        raise fail(str(exc), code=130)


def _warn(text: str) -> None:
    err_console.print(f"warning: {text}", markup=False, highlight=False, soft_wrap=True)


@app.command("report")
def report_cmd(
    saved: Path = typer.Argument(..., help="A report.json, a study.json (scored first), or the JSON of "
                                 "`static PATH --json FILE` (your own paired code: its code dimensions scored)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the rendered files (default: the folder "
                                       "the saved file is in, where the study writes its own reports)."),
    fmt: List[str] = typer.Option(["json", "csv", "md", "html"], "--format", help="json, csv, md, html."),
    weights: Optional[Path] = typer.Option(None, "--weights", help="Weights TOML (for a study.json only)."),
) -> None:
    """Render reports again from saved results, without running anything."""
    from analyzer.orchestration import report_of
    from analyzer.reporting.files import FORMATS, write_report
    from analyzer.reporting.scorecard import rich_report
    from analyzer.reporting.view import report_view

    for name in fmt:
        _check_choice("--format", name, tuple(FORMATS))
    with _pass_errors():
        report = report_of(saved, weights=weights)
    view = report_view(report)
    console.print(rich_report(view))
    for path in write_report(report, out or saved.parent, fmt, view=view):
        console.print(f"wrote {path}", highlight=False, soft_wrap=True)


@app.command("compare")
def compare_cmd(
    old: Path = typer.Argument(..., help="The earlier study: a report.json, a study.json, or a folder with either."),
    new: Path = typer.Argument(..., help="The later study, likewise."),
    fmt: str = typer.Option("text", "--format", help="text (tables), md (Markdown, for a pull-request comment) or "
                            "json, as `report --format` names them."),
    markdown: bool = flag(False, "--markdown", help="The same as --format md."),
    show_all: bool = flag(False, "--all", help="Also list the changes within the noise."),
    noise: float = typer.Option(0.10, "--noise", help="Relative change below which a figure without an interval "
                                "(compile latency, memory) counts as noise (0.10 = 10%)."),
    fail_on_regression: Optional[float] = typer.Option(
        None, "--fail-on-regression", help="Exit with status 1 when a significant change makes a figure worse by "
        "more than this share (0.05 = 5%)."),
    as_json: bool = flag(False, "--json", help="The same as --format json."),
    machine: Optional[str] = typer.Option(None, "--machine", help="Compare the figures of this machine (a name or "
                                          "part of one) in both studies of several machines."),
    old_machine: Optional[str] = typer.Option(None, "--old-machine", help="The old study's machine; with "
                                              "--new-machine, two machines of one merged study compared."),
    new_machine: Optional[str] = typer.Option(None, "--new-machine", help="The new study's machine."),
    by_machine: bool = flag(False, "--by-machine", help="One comparison per machine the two studies share."),
) -> None:
    """Show what changed between two studies, pyperf-style: ratios in words, only the changes beyond the noise
    (95% intervals apart for timings, any change for exact figures), largest first; a geometric-mean summary per
    framework, the scores and claim verdicts; and a warning naming what differs when the conditions do. Exit
    status: 0, or 1 with --fail-on-regression when a figure got worse beyond it, 2 for bad input."""
    from analyzer.api import LoadError, load
    from analyzer.reporting.compare import compare, comparison_markdown, comparison_renderable
    from analyzer.scoring import ScoringError

    _check_choice("--format", fmt, ("text", "md", "json"))
    markdown, as_json = markdown or fmt == "md", as_json or fmt == "json"
    if noise < 0 or (fail_on_regression is not None and fail_on_regression < 0):
        raise fail("--noise and --fail-on-regression: expected a share of at least 0 (0.05 = 5%)")
    if by_machine and (machine or old_machine or new_machine):
        raise fail("--by-machine compares every shared machine: give it without --machine, --old-machine or "
                   "--new-machine")
    try:
        before, after = load(old), load(new)
        if by_machine:
            shared = [m for m in before.machines if m in after.machines]
            if not shared:
                raise LoadError(f"{old} and {new} share no machine ({'; '.join(before.machines)} vs "
                                f"{'; '.join(after.machines)})")
            pairs = [(m, m) for m in shared]
        else:
            pairs = [(old_machine or machine or "", new_machine or machine or "")]
        comparisons = [(m, compare(before.report(machine=m), after.report(machine=n), noise=noise))
                       for m, n in pairs]
    except (LoadError, ScoringError) as exc:
        raise fail(str(exc))
    worse = []
    for name, comparison in comparisons:
        worse += comparison.regressions(fail_on_regression or 0.0)
        if as_json:
            continue
        if by_machine:
            console.print(f"{'## ' if markdown else ''}On {name}", style=None if markdown else "bold",
                          markup=False, highlight=False, soft_wrap=True)
        if markdown:
            console.print(comparison_markdown(comparison, show_all=show_all), markup=False, highlight=False,
                          soft_wrap=True)
        else:
            console.print(comparison_renderable(comparison, show_all=show_all))
    if as_json:
        import dataclasses

        def as_data(comparison) -> dict:
            return {**dataclasses.asdict(comparison), "warnings": comparison.warnings(),
                    "regressions": [dataclasses.asdict(c)
                                    for c in comparison.regressions(fail_on_regression or 0.0)]}

        _print_json({name: as_data(c) for name, c in comparisons} if by_machine else as_data(comparisons[0][1]))
    if fail_on_regression is not None:
        if worse:
            err_console.print(f"{len(worse)} regression(s) beyond {fail_on_regression:.0%}", markup=False,
                              highlight=False)
            raise typer.Exit(1)


@app.command("merge")
def merge_cmd(
    parts: List[Path] = typer.Argument(..., help="Studies to merge: study.json files or folders holding one (shards "
                                       "of one study, or the same study on several machines)."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for the merged study.json and its reports."),
    force: bool = flag(False, "--force", help="Replace a study.json --out already holds."),
    allow_mixed: bool = flag(False, "--allow-mixed", help="Merge studies measured under different settings "
                             "(threads, device, precision, versions) all the same."),
) -> None:
    """Put studies together: the shards of one study (`--shard K/N` on N machines) into one that scores as a whole,
    or the same study from several machines into one that keeps each record's machine and run id: its report is
    scored on the machine with the most passed runs and shows every machine side by side (Machines). Refused: a
    job measured twice on one machine, and studies measured under different settings unless --allow-mixed."""
    from analyzer.api import LoadError, load, merge
    from analyzer.orchestration import build_report
    from analyzer.reporting.files import write_report
    from analyzer.store import STUDY_FILE, save_study

    try:
        merged = merge(*(load(part) for part in parts), allow_mixed=allow_mixed)
    except LoadError as exc:
        raise fail(str(exc))
    if (out / STUDY_FILE).exists() and not force:
        raise fail(f"--out {out}: holds a study.json; replace it with --force, or choose another --out")
    written = save_study(merged.study, out)
    console.print(f"merged {len(parts)} studies ({len(merged.study.runs)} runs, {len(merged.study.deployments)} "
                  f"deployments, {len(merged.study.debug)} fault records) into {written}",
                  highlight=False, soft_wrap=True)
    report = build_report(merged.study)
    if len(merged.machines) > 1:
        console.print(f"{len(merged.machines)} machines ({'; '.join(merged.machines)}): scored on "
                      f"{report.scorecard.settings.machine}; every machine side by side in the report's Machines "
                      f"section", highlight=False, soft_wrap=True)
    for path in write_report(report, out):
        console.print(f"wrote {path}", highlight=False, soft_wrap=True)


@app.command("show")
def show_cmd(
    task: str = typer.Argument(..., help="A task id."),
    results: Optional[Path] = typer.Option(None, "--results", help="A report.json or study.json to take figures "
                                           "from (default: static figures measured now)."),
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/."),
    as_json: bool = flag(False, "--json", help="Print JSON to stdout instead of tables."),
) -> None:
    """Put a task's implementations side by side, syntax-highlighted, with their figures under them (and the
    task's fault table when the results hold a debuggability pass). Nothing is scored: a task with one framework
    written so far shows too."""
    from analyzer.api import LoadError, load
    from analyzer.model import StudyResults
    from analyzer.orchestration import static_figures
    from analyzer.reporting.files import task_sources
    from analyzer.reporting.scorecard import side_by_side
    from analyzer.scoring import ScoringError, measurements

    catalog = _catalog(root)
    selected = _select_tasks(catalog, [task])
    try:  # a report.json or study.json (or a folder with either), read once, as the Python API reads it
        study = (StudyResults(static=static_figures(_catalog_root(root), selected, ())) if results is None
                 else load(results).study)
        rows = measurements(study)
    except LoadError as exc:
        raise fail(f"--results: {exc}")
    except ScoringError as exc:
        raise fail(f"--results {results}: {exc}")
    if as_json:
        import dataclasses

        _print_json({"task": task, "measurements": [dataclasses.asdict(r) for r in rows if r.task == task],
                     "debug": [dataclasses.asdict(r) for r in study.debug if r.task == task]})
        return
    sources = task_sources(study, task, root=_catalog_root(root)) or {  # a study without static figures
        (impl.framework, impl.variant): impl.path.read_text(encoding="utf-8", errors="replace")
        for impl in selected[0].implementations}
    console.print(side_by_side(task, rows, sources))
    if any(r.task == task for r in study.debug):
        from analyzer.reporting.debug import debug_tables
        from analyzer.reporting.scorecard import to_rich

        for table in to_rich(debug_tables(study.debug, (), task=task)):
            console.print(table)


@app.command("validate")
def validate_cmd(
    tasks: Optional[List[str]] = typer.Argument(None, help="Task ids (default: every task)."),
    mode: List[str] = typer.Option(["eager"], "--mode", "-m", help="Modes to run: eager, compiled."),
    no_exec: bool = flag(False, "--no-exec", help="Check layout, spec and parsing only; run nothing."),
    size: str = typer.Option("small", "--size", help="Input size: small, medium or full."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds a run may go without finishing."),
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/ "
                                        "(default: the current folder if it has tasks/, else the project's)."),
) -> None:
    """Check task pairs: layout, spec, parsing, and (unless --no-exec) each implementation against its oracle."""
    from analyzer.reporting.console import print_finding, print_validation_summary
    from analyzer.spec import MODES, SIZES
    from analyzer.validation import validate

    for m in mode:
        if m not in MODES:
            raise fail(f"--mode {m!r}: expected one of {', '.join(MODES)}")
    if size not in SIZES:
        raise fail(f"--size {size!r}: expected one of {', '.join(SIZES)}")
    selected = _select_tasks(_catalog(root), tasks)
    findings = validate(selected, modes=tuple(mode), execute=not no_exec, size=size, timeout_s=timeout,
                        on_finding=lambda f: print_finding(console, f))
    print_validation_summary(console, findings, tasks=len(selected))
    raise typer.Exit(0 if all(f.ok for f in findings) else 1)


@app.command("new")
def new_cmd(
    task: str = typer.Argument(..., help="The new task's id, lower_snake_case."),
    category: str = typer.Option("tensor-ops", "--category", "-c", help="The task's category."),
    root: Optional[Path] = typer.Option(None, "--root", help="The project folder to add it to (default: the "
                                        "current folder; never the installed catalog)."),
) -> None:
    """Scaffold a new task pair: tasks/TASK/{task.toml,oracle.py} and reference_impls/TASK/<framework>.py."""
    from analyzer.scaffold import ScaffoldError, scaffold

    base = root or Path.cwd()
    try:
        created = scaffold(task, tasks_dir=base / "tasks", impls_dir=base / "reference_impls", category=category)
    except ScaffoldError as exc:
        raise fail(str(exc))
    for path in created:
        console.print(f"created {path}", highlight=False, soft_wrap=True)
    console.print(f"next: fill them in (see CONTRIBUTING.md), then `usability-score validate {task}`", highlight=False)


@app.command("list")
def list_cmd(
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/ "
                                        "(default: the current folder if it has tasks/, else the project's)."),
    as_json: bool = flag(False, "--json", help="Print JSON to stdout instead of tables."),
) -> None:
    """Show the catalog: task, category, frameworks and variants present."""
    from analyzer.reporting.console import print_catalog

    catalog = _catalog(root)
    if as_json:
        _print_json([{"task": t.id, "title": t.spec.title if t.spec else "", "category": t.spec.category if t.spec
                      else "", "modes": list(t.spec.modes) if t.spec else [], "model": bool(t.spec and t.spec.model),
                      "debug_data": list(t.spec.debug_data) if t.spec else [],
                      "implementations": {fw: t.variants(fw) for fw in t.frameworks()}, "problems": list(t.problems)}
                     for t in catalog.tasks])
        return
    print_catalog(console, catalog)


def _print_json(data: object) -> None:
    """JSON on stdout, nothing else: for scripts (`| jq`)."""
    sys.stdout.write(json.dumps(data, indent=1, default=str) + "\n")


def _catalog_root(root: Optional[Path]) -> Path:
    """The project folder every command reads (analyzer.corpus.project_folder), checked."""
    root = project_folder(root)
    if not (root / "tasks").is_dir():
        raise fail(f"--root {root}: expected a folder holding tasks/ and reference_impls/")
    return root


def _catalog(root: Optional[Path]):
    from analyzer.catalog import load_catalog

    root = _catalog_root(root)
    return load_catalog(root / "tasks", root / "reference_impls")


def version_callback(value: bool) -> None:
    if value:
        console.print(f"usability-score {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: bool = flag(False, "--version", callback=version_callback, is_eager=True,
                                 help="Print the version and exit."),
    quiet: bool = flag(False, "--quiet", "-q", help="No progress output (give it before a command: "
                               "`usability-score -q run`)."),
    verbose: bool = flag(False, "--verbose", "-v", help="One line per finished job, in a terminal too."),
    out: Path = typer.Option(Path("results"), "--out", help="The study's folder (with no command)."),
    task: Optional[List[str]] = typer.Option(None, "--task", "-t", help="Only these tasks (with no command; "
                                             "repeatable)."),
    framework: Optional[List[str]] = typer.Option(None, "--framework", "-f", help="Only these frameworks (with no "
                                                  "command; repeatable)."),
    threads: int = typer.Option(1, "--threads", help="Threads per framework (with no command; 0: every core)."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds one job may take (with no command)."),
    shard: Optional[str] = typer.Option(None, "--shard", help="K/N: only the K-th of N balanced parts of every "
                                        "pass (with no command; for N machines, then `usability-score merge`)."),
    root_dir: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/ "
                                            "(with no command; default: the current folder if it has tasks/)."),
    mode: List[str] = typer.Option(list(STUDY_MODES), "--mode", "-m", help="Modes of the study (with no command)."),
    size: List[str] = typer.Option(list(STUDY_SIZES), "--size", help="Input sizes of the study (with no command)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda (with no command)."),
    resume: bool = flag(False, "--resume", help="Continue an interrupted study in --out."),
    force: bool = flag(False, "--force", help="Replace the results --out already holds (without it, a "
                               "folder holding results is refused unless --resume)."),
    rounds: int = typer.Option(1, "--rounds", help="Repeat the whole interleaved pass this many times and pool "
                               "the samples (steadier figures on a busy machine, each round as long as the first)."),
    weights: Optional[Path] = typer.Option(None, "--weights", help="A weights TOML (default: the shipped one)."),
    deploy: bool = flag(False, "--deploy", help="Also measure every model task's deployment paths (adds "
                                "a few minutes; see `usability-score deploy`)."),
    debug: bool = flag(True, "--debug/--no-debug", help="Include the debuggability pass (injected faults "
                               "and the print/breakpoint probe; see `usability-score debug`)."),
    sandbox: bool = flag(True, "--sandbox/--no-sandbox", help="Run contributed code in the namespace "
                                 "sandbox where the OS allows it (see the README's threat model)."),
    fresh_workers: bool = flag(False, "--fresh-workers", help="A new worker process for every job, so "
                                       "that nothing a job changes in its worker reaches the next (slower: every "
                                       "job pays its framework's import)."),
    executor: str = typer.Option("local", "--executor", help="local or ray: where the study's runs go (with no "
                                 "command; deployment and the debuggability pass run here)."),
    ray_address: Optional[str] = ray_address_option(),
    ray_resource: Optional[str] = ray_resource_option(),
    lanes: int = typer.Option(1, "--lanes", help="Jobs of the study's runs at once on this machine (with no "
                              "command; see `run --lanes`)."),
) -> None:
    """With no command, run the whole study: static analysis, then every task in every framework, then the
    reports, with defaults that fit a 2-core CPU machine: eager and compiled, at the small (overhead-bound) and
    medium (compute-bound) sizes, and the debuggability pass. --deploy adds the deployment measurements to the
    study and its score."""
    if quiet and verbose:
        raise fail("-q and -v: choose one")
    VERBOSITY["level"] = 0 if quiet else 2 if verbose else 1
    if ctx.invoked_subcommand is not None:
        return
    from analyzer.execution.stats import disturbed
    from analyzer.reporting.console import print_failures, print_static, run_table

    selected = _select_tasks(_catalog(root_dir), task)
    _load_weights(weights)  # a bad weights file and bad flags are reported before the run spends its time
    plan = _run_plan(mode=mode, framework=framework, device=device, size=size, rounds=rounds, threads=threads,
                     timeout=timeout, sandbox=sandbox, fresh_workers=fresh_workers, shard=shard,
                     ray=_ray_settings(executor, ray_address, ray_resource), lanes=lanes)
    deploy_plan = _deploy_plan(framework=framework, path=None, size="small", threads=threads, timeout=timeout,
                               keep_artifacts=False, sandbox=sandbox) if deploy else None
    debug_plan = _debug_plan(framework=framework, mode=mode, fault=None, timeout=min(timeout, 120.0),
                             sandbox=sandbox) if debug else None
    from analyzer.orchestration import StudyPlan, run_study

    with _pass_errors():
        report = run_study(selected, StudyPlan(runs=plan, deploy=deploy_plan, debug=debug_plan, weights=weights),
                           root=_catalog_root(root_dir), out=out, resume=resume, force=force, progress=JobProgress,
                           warn=_warn)
    static, records = report.study.static, report.study.runs
    print_static(console, static)
    console.print(run_table(records, disturbed=disturbed([r.timing for r in records])))
    print_failures(console, records)
    _show_report(report, out)
    from analyzer.model import OK_STATUSES

    raise typer.Exit(0 if not static.problems and all(r.status in OK_STATUSES for r in records) else 1)


def main() -> None:
    # SIGTERM (a scheduler's or `kill`'s stop) ends a run as Ctrl-C does: finished records kept, workers killed,
    # the output folder unlocked, exit status 130.
    signal.signal(signal.SIGTERM, _interrupt)
    app()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
