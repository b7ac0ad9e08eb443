"""A scored study: the study, its scorecard and the claim verdicts, with the tables every report format renders
(measurements, size profiles, the machines side by side) computed once, on first use.

Report versions (record every change of format here):
  1  first version: {"format", "report_version", "analyzer", "study" (StudyResults.to_dict), "scores"
     (Scorecard.to_dict), "claims" (ClaimResult.to_dict each)}.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

from analyzer._version import __version__
from analyzer.claims import ClaimResult
from analyzer.machines import MachineComparison, cross_machine
from analyzer.model import StudyResults
from analyzer.overhead import SizeProfile, size_profiles
from analyzer.scoring import Measurement, Scorecard, measurements

REPORT_FORMAT = "usability-score report"
REPORT_VERSION = 1


class ReportError(ValueError):
    """A saved report that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Report:
    """A scored study: the measurements, the scorecard and the claim verdicts. Built by
    analyzer.orchestration.build_report, or read back from a report.json (analyzer.store.read_report)."""

    study: StudyResults  #: what was measured
    scorecard: Scorecard  #: the scores, with the settings they were computed under
    claims: tuple[ClaimResult, ...] = ()  #: the survey's claims checked against this study

    @cached_property
    def rows(self) -> tuple[Measurement, ...]:
        """The tidy measurements the scorecard was computed from (every variant)."""
        settings = self.scorecard.settings
        return measurements(self.study, device=settings.device, machine=settings.machine, size=settings.size)

    @cached_property
    def profiles(self) -> tuple[SizeProfile, ...]:
        """Overhead share and achieved FLOP/s per task and framework across the input sizes (analyzer.overhead)."""
        return size_profiles(self.study, device=self.scorecard.settings.device,
                             machine=self.scorecard.settings.machine)

    @cached_property
    def machines(self) -> MachineComparison | None:
        """Each task's speed on each machine of a study of several (analyzer.machines); None for one machine."""
        return cross_machine(self.study)

    def to_dict(self) -> dict[str, Any]:
        return {"format": REPORT_FORMAT, "report_version": REPORT_VERSION, "analyzer": __version__,
                "study": self.study.to_dict(), "scores": self.scorecard.to_dict(),
                "claims": [c.to_dict() for c in self.claims]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Report":
        return cls(study=StudyResults.from_dict(data["study"]), scorecard=Scorecard.from_dict(data["scores"]),
                   claims=tuple(ClaimResult.from_dict(c) for c in data.get("claims", ())))


def report_from_data(path: Path, data: Any) -> Report:
    """A report from a report.json's parsed content; ReportError naming `path` when it cannot be used."""
    if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
        raise ReportError(f"{path}: field 'format': expected {REPORT_FORMAT!r}; is this a report.json?")
    if data.get("report_version") != REPORT_VERSION:
        raise ReportError(f"{path}: field 'report_version': {data.get('report_version')!r} is not supported; "
                          f"expected {REPORT_VERSION}")
    try:
        return Report.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{path}: malformed report ({type(exc).__name__}: {exc})") from None
