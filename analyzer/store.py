"""The one place that reads and writes a study's files: runs.jsonl (the run pass's records, a line each as it
finishes), study.json (the whole study) and report.json (the scored study). Every reader names the file in its
error; nothing here measures or scores.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from analyzer.model import RunRecord, StudyResults
from analyzer.report import Report, ReportError, report_from_data
from analyzer.typed import read_records

RUNS_FILE = "runs.jsonl"
STUDY_FILE = "study.json"
REPORT_FILE = "report.json"


def read_json(path: Path, error: type[Exception], what: str = "JSON") -> Any:
    """A JSON file's content; `error` naming the file when it cannot be read or parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{path}: not {what} ({exc})") from None


# ---------------------------------------------------------------------------------------------------- study.json


def save_study(study: StudyResults, folder: Path) -> Path:
    """Write `study` as folder/study.json (the folder made if needed); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / STUDY_FILE
    path.write_text(json.dumps(study.to_dict(), indent=1), encoding="utf-8")
    return path


def saved_study(folder: Path) -> StudyResults | None:
    """The study.json in `folder`; None when there is none that this version reads."""
    try:
        return StudyResults.from_dict(json.loads((folder / STUDY_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


# ---------------------------------------------------------------------------------------------------- report.json


def read_report(path: Path | str) -> Report:
    """Read a saved report.json back; raise ReportError naming the file when it cannot be used."""
    path = Path(path)
    return report_from_data(path, read_json(path, ReportError, "a JSON report"))


def report_text(report: Report) -> str:
    """The report.json document, compact (indentation nearly doubled the published one, to 2.2 MB; `jq .` or
    `python -m json.tool` lays it out)."""
    return json.dumps(report.to_dict(), separators=(",", ":")) + "\n"


# ---------------------------------------------------------------------------------------------------- runs.jsonl


def load_runs(path: Path) -> list[RunRecord]:
    """Records of a runs.jsonl; a line cut short by an interruption is dropped (its job simply runs again)."""
    return read_runs(path)[0]


def read_runs(path: Path) -> tuple[list[RunRecord], list[int]]:
    """The readable records of a runs.jsonl and the numbers of the lines that are not (cut short or damaged)."""
    return read_records(path, RunRecord)


class RunLog:
    """runs.jsonl opened for a pass: emptied first unless resuming, then one JSON line per record, flushed as it
    comes, so that an interrupted pass keeps every record it finished."""

    def __init__(self, path: Path, *, resume: bool) -> None:
        if not resume:
            path.write_text("", encoding="utf-8")
        self._file = open(path, "a", encoding="utf-8")

    def __enter__(self) -> "RunLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def append(self, record: RunRecord) -> None:
        self._file.write(json.dumps(dataclasses.asdict(record)) + "\n")
        self._file.flush()
