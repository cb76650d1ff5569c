"""Who qualifies for the BHXH funeral allowance (trợ cấp mai táng): the law of the date of death.

Two Social Insurance Laws apply, by the date of death (switch date and thresholds are settings,
see :class:`~services.insurance.settings.InsuranceSettings` for their citations):

- Law 41/2024/QH15, deaths from 1/7/2025: a pensioner, or ≥ 12 months of compulsory or ≥ 60
  months of voluntary contributions.
- Law 58/2014/QH13, deaths before: a pensioner (art. 66(1)(d), 80(1)(b)); someone currently
  contributing, whatever the months (art. 66(1)(a)); reserved contribution time (bảo lưu) of
  ≥ 12 months (art. 66(1)(b)); ≥ 60 months of voluntary contributions (art. 80(1)(a)).

They differ for someone still paying in with few months: a worker dying in the first months of
a job qualified under 2014 and does not under 2024, so applying today's law to an older death
would deny an allowance that was due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["AllowanceLaws", "FuneralFacts", "allowance_basis", "shortfall"]


@dataclass(frozen=True)
class FuneralFacts:
    """What insurance knows about the deceased (the ``insured_persons`` row)."""

    pensioner: bool = False
    compulsory_months: int = 0
    voluntary_months: int = 0
    contributing: bool = False
    """Currently contributing (đang đóng BHXH) at the death; otherwise the time is reserved."""
    social_assistance: bool = False


@dataclass(frozen=True)
class AllowanceLaws:
    """The switch between the two laws and each one's thresholds."""

    law_2024_from: date = date(2025, 7, 1)
    min_compulsory_months: int = 12
    """Law 2024: months of compulsory contributions that qualify."""
    min_voluntary_months: int = 60
    """Law 2024: months of voluntary contributions that qualify."""
    min_reserved_months_2014: int = 12
    """Law 2014 art. 66(1)(b): months of compulsory contributions of reserved time."""
    min_voluntary_months_2014: int = 60
    """Law 2014 art. 80(1)(a): months of voluntary contributions."""

    def law_of(self, date_of_death: date) -> str:
        """``"2024"`` or ``"2014"``: which Social Insurance Law decides this death."""
        return "2024" if date_of_death >= self.law_2024_from else "2014"

    def thresholds(self, date_of_death: date) -> tuple[int, int]:
        """(compulsory, voluntary) months the law of this death asks of someone not paying in."""
        if self.law_of(date_of_death) == "2024":
            return self.min_compulsory_months, self.min_voluntary_months
        return self.min_reserved_months_2014, self.min_voluntary_months_2014


def _contributing_compulsorily(facts: FuneralFacts) -> bool:
    """Whether the current contributions are compulsory ones (art. 66 of the 2014 law).

    The register says whether someone is paying in, not to which scheme: someone whose only
    record is voluntary months is taken as a voluntary contributor (who needs the 60 months of
    art. 80 even while paying in); anyone else paying in as a compulsory one.
    """
    voluntary_only = facts.voluntary_months > 0 and facts.compulsory_months == 0
    return facts.contributing and not voluntary_only


def allowance_basis(facts: FuneralFacts, date_of_death: date, laws: AllowanceLaws) -> str | None:
    """What the allowance rests on under the law of the date of death, or None if nothing."""
    if facts.pensioner:
        return "pensioner"
    law = laws.law_of(date_of_death)
    suffix = "" if law == "2024" else " (Social Insurance Law 2014)"
    if law == "2014" and _contributing_compulsorily(facts):
        return f"currently contributing, {facts.compulsory_months} months{suffix}"
    min_compulsory, min_voluntary = laws.thresholds(date_of_death)
    if facts.compulsory_months >= min_compulsory:
        return f"{facts.compulsory_months} months of compulsory contributions{suffix}"
    if facts.voluntary_months >= min_voluntary:
        return f"{facts.voluntary_months} months of voluntary contributions{suffix}"
    return None


def shortfall(facts: FuneralFacts, date_of_death: date, laws: AllowanceLaws) -> str:
    """The detail of an ``insufficient_contributions`` refusal: what there is, what the law of
    the death asks (so a refusal under one law is not mistaken for one under the other)."""
    min_compulsory, min_voluntary = laws.thresholds(date_of_death)
    return (
        f"{facts.compulsory_months} compulsory / {facts.voluntary_months} voluntary months; "
        f"needs {min_compulsory} / {min_voluntary} (Social Insurance Law "
        f"{laws.law_of(date_of_death)})"
    )
