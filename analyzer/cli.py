"""Command-line entry point: parse arguments, call the core, hand results to the reporters. Nothing else."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from analyzer import __version__

app = typer.Typer(
    name="usability-score",
    help="Measured comparison of PyTorch, TensorFlow/Keras and JAX on paired reference implementations.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print a one-line error and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _select_tasks(catalog, task_ids: Optional[List[str]]):
    if not task_ids:
        return list(catalog.tasks)
    unknown = [t for t in task_ids if catalog.get(t) is None]
    if unknown:
        known = ", ".join(t.id for t in catalog.tasks)
        raise fail(f"unknown task(s) {', '.join(unknown)}; known tasks: {known}")
    return [catalog.get(t) for t in task_ids]


@app.command("validate")
def validate_cmd(
    tasks: Optional[List[str]] = typer.Argument(None, help="Task ids (default: every task)."),
    mode: List[str] = typer.Option(["eager"], "--mode", "-m", help="Modes to run: eager, compiled."),
    no_exec: bool = typer.Option(False, "--no-exec", help="Check layout, spec and parsing only; run nothing."),
    size: str = typer.Option("small", "--size", help="Input size: small or full."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds a run may go without finishing."),
) -> None:
    """Check task pairs: layout, spec, parsing, and (unless --no-exec) each implementation against its oracle."""
    from analyzer.catalog import load_catalog
    from analyzer.reporting.console import print_finding, print_validation_summary
    from analyzer.spec import MODES, SIZES
    from analyzer.validation import validate

    for m in mode:
        if m not in MODES:
            raise fail(f"--mode {m!r}: expected one of {', '.join(MODES)}")
    if size not in SIZES:
        raise fail(f"--size {size!r}: expected one of {', '.join(SIZES)}")
    selected = _select_tasks(load_catalog(), tasks)
    findings = validate(selected, modes=tuple(mode), execute=not no_exec, size=size, timeout_s=timeout,
                        on_finding=lambda f: print_finding(console, f))
    print_validation_summary(console, findings, tasks=len(selected))
    raise typer.Exit(0 if all(f.ok for f in findings) else 1)


@app.command("list")
def list_cmd() -> None:
    """Show the catalog: task, category, frameworks and variants present."""
    from analyzer.catalog import load_catalog
    from analyzer.reporting.console import print_catalog

    print_catalog(console, load_catalog())


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
    """With no command, run the study (static analysis for now)."""
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
