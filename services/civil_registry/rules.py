"""Decisions of the civil registry, free of I/O so they can be unit-tested."""

from __future__ import annotations

from datetime import date
from typing import Final, Protocol

from lienthong.contracts import reasons
from lienthong.contracts.civil_registry import RequestedItem
from lienthong.contracts.declarations import BirthCertificateMedium, ParentInfo
from lienthong.contracts.gateway import BirthDossierSubmitted, DeathDossierSubmitted
from lienthong.contracts.newborns import NewbornRequest
from lienthong.contracts.reasons import Reason, ReasonCode
from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.calendar import WorkingCalendar
from lienthong.domain.personal_id import Sex
from lienthong.domain.text import name_key, same_name
from services.civil_registry import windows


class KnownPerson(Protocol):
    """What the population database tells about a parent."""

    @property
    def full_name(self) -> str: ...
    @property
    def date_of_birth(self) -> date: ...
    @property
    def sex(self) -> Sex: ...
    @property
    def alive(self) -> bool: ...
    @property
    def date_of_death(self) -> date | None: ...


def _check_parent(
    declared: ParentInfo,
    known: KnownPerson | None,
    sex: Sex,
    child_born: date,
    not_found: ReasonCode,
    mismatch: ReasonCode,
    paternity_days: int,
) -> Reason | None:
    """Why a declared parent does not match the population database, or None."""
    if known is None:
        return not_found.reason(declared.personal_id)
    if not same_name(declared.full_name, known.full_name):
        return mismatch.reason("name differs")
    if declared.date_of_birth != known.date_of_birth:
        return mismatch.reason("date of birth differs")
    if known.sex != sex:
        return mismatch.reason("sex differs")
    return _refuse_deceased_parent(declared, known, sex, child_born, paternity_days)


def _refuse_deceased_parent(
    declared: ParentInfo, known: KnownPerson, sex: Sex, child_born: date, paternity_days: int
) -> Reason | None:
    """A parent recorded dead before the birth: refused, except a father within the window.

    A mother dead before the day she gave birth cannot be the mother of record. A father can:
    a child born within 300 days after the marriage ended — the husband's death included — is
    the husband's child (Law on Marriage and Family 2014, art. 88(1)). A death on the day of
    the birth is not before it.
    """
    died = known.date_of_death
    if known.alive or died is None or died >= child_born:
        return None
    if sex is Sex.MALE:
        if windows.within_paternity_window(died, child_born, paternity_days):
            return None
        days = (child_born - died).days
        return reasons.PARENT_DECEASED.reason(
            f"{declared.personal_id}: the father died on {died.isoformat()}, {days} days before "
            f"the birth, more than {paternity_days} (Law on Marriage and Family 2014, art. 88)"
        )
    return reasons.PARENT_DECEASED.reason(declared.personal_id)


def refuse_birth(
    form: BirthDossierSubmitted,
    people: dict[str, KnownPerson],
    already_registered: bool,
    paternity_days: int = windows.PATERNITY_DAYS_AFTER_DEATH,
) -> Reason | None:
    """Why the birth cannot be registered, or None to register it.

    The commune official checks the parents against the population database (đối chiếu CSDL
    quốc gia về dân cư) and refuses a second registration of the same birth. A father who died
    at most ``paternity_days`` days before the birth is still its father (art. 88).
    """
    born = form.child.date_of_birth
    refusal = _check_parent(
        form.mother,
        people.get(form.mother.personal_id),
        Sex.FEMALE,
        born,
        reasons.MOTHER_NOT_FOUND,
        reasons.MOTHER_MISMATCH,
        paternity_days,
    )
    if refusal is None and form.father is not None:
        refusal = _check_parent(
            form.father,
            people.get(form.father.personal_id),
            Sex.MALE,
            born,
            reasons.FATHER_NOT_FOUND,
            reasons.FATHER_MISMATCH,
            paternity_days,
        )
    if refusal is None and already_registered:
        refusal = reasons.DUPLICATE_BIRTH.reason()
    return refusal


def refuse_death(
    form: DeathDossierSubmitted,
    known: KnownPerson | None,
    already_registered: bool,
    received_on: date,
) -> Reason | None:
    """Why the death cannot be registered, or None to register it.

    The deceased must be a living citizen of the population database whose name, date of birth
    and sex match the declaration; the date of death lies between birth and the day the dossier
    was received (the day of the event, never the day it happens to be processed).
    """
    deceased = form.deceased
    if known is None:
        return reasons.DECEASED_NOT_FOUND.reason(deceased.personal_id)
    if not known.alive:
        died = f"died {known.date_of_death.isoformat()}" if known.date_of_death else None
        return reasons.ALREADY_DECEASED.reason(died)
    if already_registered:
        return reasons.DEATH_ALREADY_REGISTERED.reason(deceased.personal_id)
    if not same_name(deceased.full_name, known.full_name):
        return reasons.DECEASED_MISMATCH.reason("name differs")
    if deceased.date_of_birth != known.date_of_birth:
        return reasons.DECEASED_MISMATCH.reason("date of birth differs")
    if deceased.sex != known.sex:
        return reasons.DECEASED_MISMATCH.reason("sex differs")
    if form.date_of_death < known.date_of_birth:
        return reasons.DEATH_BEFORE_BIRTH.reason()
    if form.date_of_death > received_on:
        return reasons.DEATH_IN_FUTURE.reason(f"received on {received_on.isoformat()}")
    return None


def is_late_death_registration(
    date_of_death: date,
    received_on: date,
    limit_days: int,
    calendar: WorkingCalendar | None = None,
) -> bool:
    """Khai tử quá hạn: submitted after the ``limit_days``-day window from the death.

    Luật Hộ tịch 2014, art. 33: the 15 days count to the day the dossier is submitted
    (``received_on``, its Vietnam date), not the day it is processed; a last day that is a day
    off moves to the next working day (Civil Code 2015, art. 148(5)). See ``windows``.
    """
    return windows.is_late_registration(date_of_death, received_on, limit_days, calendar)


def is_late_birth_registration(
    date_of_birth: date,
    received_on: date,
    limit_days: int,
    calendar: WorkingCalendar | None = None,
) -> bool:
    """Đăng ký khai sinh quá hạn: submitted after the ``limit_days``-day window from the birth.

    Luật Hộ tịch 2014, art. 15: the 60 days count to the day the dossier is submitted; the
    birth is still registered, flagged late, as a late death is (art. 148(5) applies alike).
    """
    return windows.is_late_registration(date_of_birth, received_on, limit_days, calendar)


PATERNITY_ITEM: Final = RequestedItem(
    field="marriage_certificate_number",
    message="A declared father needs the parents' marriage certificate or, for unmarried "
    "parents, evidence of paternity (paternity_evidence).",
    message_vi="Cần bổ sung giấy chứng nhận kết hôn của cha mẹ hoặc chứng cứ chứng minh quan "
    "hệ cha con.",
)


def missing_documents(form: BirthDossierSubmitted) -> list[RequestedItem]:
    """What the requester must supply before the birth can be registered (hồ sơ chưa đầy đủ).

    A father is written on the certificate on the strength of the parents' marriage or, when
    they are not married, of evidence of paternity in a combined birth-and-recognition
    registration (Decree 123/2015/NĐ-CP art. 15; check the article). Without either the
    dossier is returned, not refused: the requester can still complete it.
    """
    if form.father is None or form.marriage_certificate_number or form.paternity_evidence:
        return []
    return [PATERNITY_ITEM]


def certificate_needs_verification(medium: BirthCertificateMedium) -> bool:
    """Whether the registry verifies the hospital's birth certificate itself (xác minh).

    An electronic giấy chứng sinh comes from the health facility's register over the linkage,
    so it is checked at once; a paper one the registry must verify, which puts the group on
    its longer limit (≤ 5 working days instead of 3, Decree 63/2024; domain.md, birth step 4).
    """
    return medium == BirthCertificateMedium.PAPER


def death_registration_number(commune_code: str, year: int, sequence: int) -> str:
    """Số đăng ký khai tử."""
    return f"KT-{commune_code}-{year}-{sequence:06d}"


def death_extract_number(commune_code: str, year: int, sequence: int) -> str:
    """Số Trích lục khai tử điện tử."""
    return f"TLKT-{year}-{commune_code}{sequence:06d}"


def duplicate_key(form: BirthDossierSubmitted) -> str:
    """One birth = one mother, one name, one date of birth.

    The name goes in as its :func:`~lienthong.domain.text.name_key` (NFC, case folded, the tone
    mark of "oa"/"oe"/"uy" on its first letter), so "Nguyễn Thuỳ Linh" declared again as
    "Nguyễn Thùy Linh" is the same birth, not a second one.
    """
    name = name_key(form.child.full_name)
    return f"{form.mother.personal_id}|{name}|{form.child.date_of_birth.isoformat()}"


def registration_number(commune_code: str, year: int, sequence: int) -> str:
    """Số đăng ký: the commune's register, the year and the order in it."""
    return f"KS-{commune_code}-{year}-{sequence:06d}"


def birth_certificate_number(commune_code: str, year: int, sequence: int) -> str:
    """Số Giấy khai sinh điện tử (unique nationwide thanks to the commune code)."""
    return f"GKS-{year}-{commune_code}{sequence:06d}"


def newborn_request(dossier_id: str, form: BirthDossierSubmitted) -> NewbornRequest:
    """What the population database needs to number the child of ``form``: the child, the
    parents, and the province registering it (the commune of residence's: its code is the
    number's PPP)."""
    child = form.child
    return NewbornRequest(
        dossier_id=dossier_id,
        family_name=child.family_name,
        middle_name=child.middle_name,
        given_name=child.given_name,
        sex=child.sex,
        date_of_birth=child.date_of_birth,
        birth_province_code=load_admin_units().province_of_commune(form.residence.commune_code),
        mother_personal_id=form.mother.personal_id,
        father_personal_id=form.father.personal_id if form.father else None,
    )
