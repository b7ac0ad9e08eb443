"""The study's flow, owned in one place: static figures -> runs -> deployment -> debuggability -> scoring -> claims.

Each pass plans its jobs, runs them in worker processes (analyzer.execution), streams its records into --out as
they finish, and adds them to the study, saved as study.json (analyzer.store). `run_study` chains the passes and
returns the finished Report; `build_report` scores any study. The CLI only parses arguments, shows progress
(the `progress` factory: a context manager per pass giving plan/start/done callbacks) and prints; a Python caller
uses the same functions with no progress at all.

Errors a user can cause come out as PassError (the message says what and where); an interruption (Ctrl-C,
SIGTERM) as Interrupted, after the records finished so far are saved.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterable, Optional, Protocol

from analyzer.catalog import task_categories
from analyzer.claims import check_claims, load_claims
from analyzer.model import StaticReport, StudyResults
from analyzer.report import Report
from analyzer.scoring import DEFAULT_WEIGHTS_LABEL, ScoringSettings, busiest_machine, load_weights, score_study
from analyzer.store import save_study, saved_study

__all__ = ["PassError", "Interrupted", "Progress", "StudyPlan", "build_report", "run_study", "run_pass",
           "deploy_pass", "debug_pass", "static_figures", "into_saved_study"]


class PassError(RuntimeError):
    """A pass that cannot start or go on (an output folder in use or holding results, --resume under other
    conditions, a cluster that cannot be reached, a bad --costs file); the message says what and where."""


class Interrupted(RuntimeError):
    """The pass was interrupted; its finished records are kept and the message says where."""


class Progress(Protocol):
    """What a pass tells its caller: how many jobs, which starts, which record is in."""

    def plan(self, total: int) -> None: ...

    def start(self, label: str) -> None: ...

    def done(self, record: object) -> None: ...


class _Silent:
    def plan(self, total: int) -> None:
        pass

    def start(self, label: str) -> None:
        pass

    def done(self, record: object) -> None:
        pass


#: A progress factory: verb ("run", "deploy", "debug") -> a context manager giving the pass's Progress.
ProgressFactory = Callable[[str], ContextManager[Progress]]


def silent(verb: str) -> ContextManager[Progress]:
    """The progress factory that shows nothing."""
    return contextlib.nullcontext(_Silent())


# ---------------------------------------------------------------------------------------------------- scoring


def build_report(study: StudyResults, *, weights_path: Path | str | None = None,
                 claims_path: Path | str | None = None, settings: ScoringSettings = ScoringSettings()) -> Report:
    """Score a study and check the claims (shipped weights and claims unless paths are given). A study of several
    machines is scored on the busiest one unless `settings` names one."""
    if not settings.machine and len(study.machines) > 1:  # several machines: scored on one, all shown side by side
        settings = dataclasses.replace(settings, machine=busiest_machine(study))
    weights = load_weights(weights_path)
    card = score_study(study, weights, settings=settings,
                       weights_source=str(weights_path) if weights_path else DEFAULT_WEIGHTS_LABEL)
    return Report(study, card, check_claims(load_claims(claims_path), study, card))


def report_of(saved: Path, *, weights: Path | None = None) -> Report:
    """The report of a saved file: a report.json as it was scored, a study.json scored now, or the JSON of
    `static PATH --json FILE` (a team's own paired code: its code dimensions, scored the same way). PassError
    naming the file when it is none of these, or when `weights` is given for a report already scored."""
    from analyzer.report import ReportError, report_from_data
    from analyzer.store import read_json

    data = read_json(saved, PassError, "a JSON file")
    try:
        if isinstance(data, dict) and "runs" in data and "format" not in data:
            return build_report(StudyResults.from_dict(data, source=str(saved)), weights_path=weights)
        if isinstance(data, dict) and {"corpus", "files"} <= set(data) and "format" not in data:
            static = StaticReport.from_dict(data, source=str(saved))
            return build_report(StudyResults(static=static, environment=dict(static.environment)),
                                weights_path=weights)
        if weights is not None:
            raise PassError(f"--weights {weights}: applies to a study.json or a static JSON; {saved} is a report, "
                            f"already scored (render its study.json with --weights instead)")
        return report_from_data(saved, data)  # parsed once above, not read again
    except (ReportError, ValueError, KeyError, TypeError) as exc:  # ReportError, FieldError, ScoringError: named
        raise PassError(f"{saved}: {exc}") from None


# ---------------------------------------------------------------------------------------------------- the study


@dataclass(frozen=True)
class StudyPlan:
    """The whole study: the run pass, and the deployment and debuggability passes when wanted."""

    runs: Any  #: analyzer.study.RunPlan
    deploy: Any = None  #: analyzer.deployment.DeployPlan, or None for no deployment pass
    debug: Any = None  #: analyzer.debug_pass.DebugPlan, or None for no debuggability pass
    weights: Optional[Path] = None  #: a weights TOML; None for the shipped weights


def run_study(tasks: list, plan: StudyPlan, *, root: Path, out: Path, resume: bool = False, force: bool = False,
              progress: ProgressFactory = silent, warn: Callable[[str], None] = lambda text: None) -> Report:
    """The whole study into `out`: static figures of the implementations it runs, the run pass, the deployment
    and debuggability passes, then the scores and claims. Every pass's records are checked for overwriting
    before the first pass spends its time."""
    from analyzer.debug_pass import DEBUG_FILE
    from analyzer.deployment import DEPLOYMENTS_FILE
    from analyzer.outdir import OutputDirError, check_not_overwriting
    from analyzer.sharding import parse_shard
    from analyzer.store import RUNS_FILE

    try:
        check_not_overwriting(out, (RUNS_FILE, DEPLOYMENTS_FILE, DEBUG_FILE), resume=resume, force=force)
    except OutputDirError as exc:
        raise PassError(str(exc)) from None
    shard = parse_shard(plan.runs.shard) if plan.runs.shard else None
    static = static_figures(root, tasks, plan.runs.frameworks)
    study = run_pass(tasks, plan.runs, out=out, resume=resume, static=static, force=True, progress=progress,
                     warn=warn)
    if plan.deploy is not None:
        study = deploy_pass(tasks, plan.deploy, out=out, resume=resume, study=study, force=True, shard=shard,
                            progress=progress)
    if plan.debug is not None:
        study = debug_pass(tasks, plan.debug, out=out, resume=resume, study=study, force=True, shard=shard,
                           progress=progress)
    return build_report(study, weights_path=plan.weights)


def static_figures(root: Path, tasks: Iterable, frameworks: tuple[str, ...]) -> StaticReport:
    """Static figures of the implementations a run or a study runs: the same catalog (root/reference_impls),
    tasks and frameworks."""
    from analyzer.corpus import discover
    from analyzer.static.batch import analyze_corpus
    from analyzer.static.cache import StaticCache

    return analyze_corpus(discover(root / "reference_impls"), tasks=[t.id for t in tasks], frameworks=frameworks,
                          cache=StaticCache())


# ---------------------------------------------------------------------------------------------------- passes


def run_pass(tasks: list, plan: Any, *, out: Path, resume: bool, static: StaticReport | None = None,
             force: bool = False, costs: Optional[Path] = None, progress: ProgressFactory = silent,
             warn: Callable[[str], None] = lambda text: None) -> StudyResults:
    """Plan and run the jobs of `plan` (an analyzer.study.RunPlan), save runs.jsonl and study.json, and return the
    study, rounds combined. With --resume, the frameworks whose jobs all ran before keep the versions they
    reported then, and unreadable lines of runs.jsonl are named through `warn` and run again."""
    from analyzer.environment import describe_machine
    from analyzer.execution.ray_executor import RayUnavailable
    from analyzer.execution.stats import describe_interference, interference
    from analyzer.outdir import OutputDir, OutputDirError, check_not_overwriting
    from analyzer.rounds import combine_rounds
    from analyzer.store import RUNS_FILE, load_runs, read_runs
    from analyzer.study import ResumeError, execute, plan as make_plan

    planned = _sharded_runs(make_plan(tasks, plan), plan.shard, costs)
    versions: dict = {}
    if resume:
        earlier = saved_study(out)
        if earlier is not None and isinstance(earlier.environment.get("frameworks"), dict):
            versions.update(earlier.environment["frameworks"])
        _, unreadable = read_runs(out / RUNS_FILE)
        if unreadable:
            warn(f"{out / RUNS_FILE}: {len(unreadable)} unreadable line(s) (line "
                 f"{', '.join(map(str, unreadable[:10]))}{', ...' if len(unreadable) > 10 else ''}) skipped; their "
                 f"jobs run again")
    try:
        with OutputDir(out), progress("run") as shown:
            check_not_overwriting(out, (RUNS_FILE,), resume=resume, force=force)
            shown.plan(len(planned))
            records = execute(planned, plan, out_dir=out, resume=resume, versions=versions,
                              on_start=lambda p: shown.start(f"{p.key[0]} {p.key[1]} {p.key[3]} {p.key[4]}"),
                              on_record=shown.done)
    except (OutputDirError, ResumeError, RayUnavailable) as exc:
        raise PassError(str(exc)) from None
    except KeyboardInterrupt:
        raise Interrupted(_kept(len(load_runs(out / RUNS_FILE)), out / RUNS_FILE)) from None
    combined = combine_rounds(records)
    environment = {**describe_machine(threads=plan.threads, device=plan.device), "frameworks": versions,
                   "modes": list(plan.modes), "sizes": list(plan.sizes), "rounds": plan.rounds,
                   **({"shard": plan.shard} if plan.shard else {}),
                   **({"executor": _ray_description(plan.ray, combined)} if plan.ray else {}),
                   **({"lanes": plan.lanes} if plan.lanes > 1 else {}),
                   "isolation": isolation(plan.limits),
                   "interference": describe_interference(interference([r.timing for r in combined]))}
    study = StudyResults(static=static, runs=tuple(combined), environment=environment, created=_now(),
                         categories=task_categories(tasks))
    save_study(study, out)
    return study


def deploy_pass(tasks: list, plan: Any, *, out: Path, resume: bool, study: StudyResults | None = None,
                save: bool = True, force: bool = False, shard: Any = None,
                progress: ProgressFactory = silent) -> StudyResults:
    """Measure the deployment paths of `plan` (an analyzer.deployment.DeployPlan), save deployments.jsonl, and
    return `study` (or a new one) with them, saved to study.json unless told not to."""
    from analyzer.deployment import DEPLOYMENTS_FILE, execute, load_deployments, plan as make_plan
    from analyzer.outdir import OutputDir, OutputDirError, check_not_overwriting
    from analyzer.sharding import take

    versions: dict = {}
    earlier = (study.environment if study is not None else {}).get("deployment")
    if resume and isinstance(earlier, dict) and isinstance(earlier.get("frameworks"), dict):
        versions.update(earlier["frameworks"])  # the runtimes of the paths measured before keep their versions
    try:
        with OutputDir(out), progress("deploy") as shown:
            check_not_overwriting(out, (DEPLOYMENTS_FILE,), resume=resume, force=force)
            planned = take(make_plan(tasks, plan, out_dir=out), shard, key=lambda p: "|".join(p.key),
                           cost=lambda p: 10.0 if p.job is not None else 0.0)
            shown.plan(len(planned))
            records = execute(planned, plan, out_dir=out, resume=resume, versions=versions,
                              on_start=lambda p: shown.start(" ".join(p.key)), on_record=shown.done)
    except OutputDirError as exc:
        raise PassError(str(exc)) from None
    except KeyboardInterrupt:
        raise Interrupted(_kept(len(load_deployments(out / DEPLOYMENTS_FILE)), out / DEPLOYMENTS_FILE)) from None
    deployment = {"device": "cpu", "size": plan.size, "threads": plan.threads, "frameworks": versions,
                  "isolation": isolation(plan.limits)}
    return _with_pass(study, tasks, plan.threads, out if save else None, ("deployment", deployment),
                      deployments=tuple(records))


def debug_pass(tasks: list, plan: Any, *, out: Path, resume: bool, study: StudyResults | None = None,
               save: bool = True, force: bool = False, shard: Any = None,
               progress: ProgressFactory = silent) -> StudyResults:
    """Run the debuggability pass of `plan` (an analyzer.debug_pass.DebugPlan), save debug.jsonl and probes.jsonl,
    and return `study` (or a new one) with its records, saved to study.json unless told not to."""
    from analyzer.debug_pass import DEBUG_FILE, execute, load_debug, plan as make_plan
    from analyzer.outdir import OutputDir, OutputDirError, check_not_overwriting
    from analyzer.sharding import take

    versions: dict = {}
    try:
        with OutputDir(out), progress("debug") as shown:
            check_not_overwriting(out, (DEBUG_FILE,), resume=resume, force=force)
            planned = take(make_plan(tasks, plan), shard, key=lambda p: "|".join(p.key),
                           cost=lambda p: (2.0 if p.key[3] == "compiled" else 1.0) if p.job is not None else 0.0)
            if shard is not None and shard.index != 1:  # the probes run once, in the first shard
                plan = dataclasses.replace(plan, probes=False)
            shown.plan(len(planned) + len(plan.frameworks) * len(plan.modes) * plan.probes)
            records, probes = execute(planned, plan, out_dir=out, resume=resume, versions=versions,
                                      on_start=shown.start, on_record=shown.done)
    except OutputDirError as exc:
        raise PassError(str(exc)) from None
    except KeyboardInterrupt:
        raise Interrupted(_kept(len(load_debug(out / DEBUG_FILE)), out / DEBUG_FILE)) from None
    debugging = {"device": "cpu", "size": plan.size, "threads": plan.threads, "modes": list(plan.modes),
                 "frameworks": versions, "isolation": isolation(plan.limits)}
    return _with_pass(study, tasks, plan.threads, out if save else None, ("debugging", debugging),
                      debug=tuple(records), probes=tuple(probes))


def into_saved_study(out: Path, records_file: str,
                     measure: Callable[[StudyResults | None, bool], StudyResults]) -> tuple[StudyResults, str]:
    """Run a pass that adds its records to --out's study.json (a new study when there is none; one this version
    cannot read is left alone): measure(saved study or None, save) -> study. Returns the study and the line that
    says what was written."""
    from analyzer.store import STUDY_FILE

    saved = saved_study(out)
    unreadable = saved is None and (out / STUDY_FILE).exists()
    study = measure(saved, not unreadable)
    if unreadable:
        return study, f"wrote {out / records_file}; left {out / STUDY_FILE} alone: this version cannot read it"
    return study, f"wrote {out / records_file} and {out / STUDY_FILE}"


# ---------------------------------------------------------------------------------------------------- helpers


def isolation(limits: Any) -> str:
    """How a pass's contributed code was isolated, for the study's environment."""
    from analyzer.execution import sandbox

    return sandbox.describe() if limits.sandbox else "processes only, no sandbox: --no-sandbox"


def _sharded_runs(planned: list, shard: str, costs: Optional[Path]) -> list:
    """This machine's part of the planned runs (all of them without a shard), balanced by expected cost."""
    from analyzer.sharding import earlier_costs, parse_shard, run_cost, take

    if not shard:
        return planned
    earlier = {}
    if costs is not None:
        saved = saved_study(costs.parent if costs.name == "study.json" else costs)
        if saved is None:
            raise PassError(f"--costs {costs}: not a study.json this version reads")
        earlier = earlier_costs(saved.runs)
    return take(planned, parse_shard(shard), key=lambda p: "|".join(map(str, p.key)),
                cost=lambda p: run_cost(p.key[3], p.key[4], earlier, p.key[:5]) if p.job is not None else 0.0)


def _ray_description(settings: Any, records: Iterable) -> dict:
    """What the study's environment says about a pass run on Ray: where, on which hardware kind, and how many jobs
    each machine ran."""
    from collections import Counter

    nodes = Counter(r.machine for r in records if r.machine)
    return {"kind": "ray", "address": settings.address or "a local Ray instance",
            "resource": settings.resource, "machines": dict(nodes)}


def _kept(count: int, path: Path) -> str:
    return f"interrupted: {count} finished record(s) kept in {path}; continue with --resume"


def _with_pass(study: StudyResults | None, tasks: list, threads: int, save_to: Path | None,
               described: tuple[str, dict[str, Any]], **records: tuple) -> StudyResults:
    """`study` (a new one on this machine's CPU when None) with a CPU pass's records, its tasks' categories and its
    description under described[0] in the environment; saved as study.json in `save_to` unless that is None."""
    if study is None:
        from analyzer.environment import describe_machine

        study = StudyResults(static=None, environment=describe_machine(threads=threads, device="cpu"),
                             created=_now())
    key, description = described
    study = dataclasses.replace(study, **records, categories={**study.categories, **task_categories(tasks)},
                                environment={**study.environment, key: description})
    if save_to is not None:
        save_study(study, save_to)
    return study


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
