"""Command-line entry point: parse arguments, call the core, hand results to the reporters. Nothing else."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from analyzer import __version__
from analyzer.corpus import PROJECT_ROOT

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


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print a one-line error and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
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
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the full results as JSON here."),
    task: Optional[List[str]] = typer.Option(None, "--task", "-t", help="Only these tasks (repeatable)."),
    framework: Optional[List[str]] = typer.Option(None, "--framework", "-f", help="Only these frameworks."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Measure every file afresh."),
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
    print_static(console, report)
    if json_out is not None:
        try:
            json_out.write_text(report.to_json(), encoding="utf-8")
        except OSError as exc:
            raise fail(f"--json {json_out}: cannot write ({exc.strerror})")
        console.print(f"wrote {json_out}", highlight=False)
    if not report.files and not report.problems:
        raise fail(f"{path}: no implementation files found; expected <task>/<framework>.py")
    raise typer.Exit(1 if report.problems else 0)


@app.command("validate")
def validate_cmd(
    tasks: Optional[List[str]] = typer.Argument(None, help="Task ids (default: every task)."),
    mode: List[str] = typer.Option(["eager"], "--mode", "-m", help="Modes to run: eager, compiled."),
    no_exec: bool = typer.Option(False, "--no-exec", help="Check layout, spec and parsing only; run nothing."),
    size: str = typer.Option("small", "--size", help="Input size: small or full."),
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
) -> None:
    """Scaffold a new task pair: tasks/TASK/{task.toml,oracle.py} and reference_impls/TASK/<framework>.py."""
    from analyzer.catalog import IMPLS_DIR, TASKS_DIR
    from analyzer.scaffold import ScaffoldError, scaffold

    try:
        created = scaffold(task, tasks_dir=TASKS_DIR, impls_dir=IMPLS_DIR, category=category)
    except ScaffoldError as exc:
        raise fail(str(exc))
    for path in created:
        console.print(f"created {path}", highlight=False)
    console.print(f"next: fill them in (see CONTRIBUTING.md), then `usability-score validate {task}`", highlight=False)


@app.command("list")
def list_cmd(
    root: Optional[Path] = typer.Option(None, "--root", help="A folder holding tasks/ and reference_impls/ "
                                        "(default: the current folder if it has tasks/, else the project's)."),
) -> None:
    """Show the catalog: task, category, frameworks and variants present."""
    from analyzer.reporting.console import print_catalog

    print_catalog(console, _catalog(root))


def _catalog(root: Optional[Path]):
    from analyzer.catalog import load_catalog

    root = root or (Path.cwd() if (Path.cwd() / "tasks").is_dir() else PROJECT_ROOT)
    if not (root / "tasks").is_dir():
        raise fail(f"--root {root}: expected a folder holding tasks/ and reference_impls/")
    return load_catalog(root / "tasks", root / "reference_impls")


def version_callback(value: bool) -> None:
    if value:
        console.print(f"usability-score {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """With no command, run the study: the catalog, then the static analysis of every reference implementation."""
    if ctx.invoked_subcommand is None:
        from analyzer.catalog import IMPLS_DIR

        list_cmd(root=None)
        static_cmd(path=IMPLS_DIR, json_out=None, task=None, framework=None, no_cache=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
