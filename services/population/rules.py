"""Decisions of the population database, free of I/O so they can be unit-tested."""

from __future__ import annotations

from lienthong.contracts import reasons
from lienthong.contracts.civil_registry import BirthRegistered, DeathRegistered
from lienthong.contracts.reasons import Reason
from services.population.models import Citizen


def refuse_newborn(
    registration: BirthRegistered,
    household_head: Citizen | None,
    already_registered: bool,
) -> Reason | None:
    """Why the newborn cannot get an ID number and permanent residence, or None to proceed.

    Đăng ký thường trú vào hộ: the household head must be a living citizen with permanent
    residence in the declared commune; a birth registration gets one ID number only.
    """
    if already_registered:
        return reasons.CITIZEN_ALREADY_REGISTERED.reason(registration.registration_number)
    if household_head is None or not household_head.alive:
        return reasons.HOUSEHOLD_HEAD_NOT_FOUND.reason(
            registration.residence.household_head_personal_id
        )
    if household_head.commune_code != registration.residence.commune_code:
        return reasons.HOUSEHOLD_HEAD_ELSEWHERE.reason(
            f"head lives in {household_head.commune_code}, "
            f"declared {registration.residence.commune_code}"
        )
    return None


def refuse_death(death: DeathRegistered, citizen: Citizen | None) -> Reason | None:
    """Why the death cannot be recorded, or None to record it and remove the residence."""
    if citizen is None:
        return reasons.CITIZEN_NOT_FOUND.reason(death.deceased.personal_id)
    if not citizen.alive:
        return reasons.CITIZEN_ALREADY_DECEASED.reason(
            f"died {citizen.date_of_death.isoformat()}" if citizen.date_of_death else None
        )
    return None


def choose_new_head(members: list[Citizen]) -> Citizen | None:
    """The oldest living member heads the household after the head's death.

    In practice the members agree on a new head and the oldest adult is the usual choice; when
    only minors are left, the oldest of them is recorded (Luật Cư trú lets a minor be head).
    """
    living = [m for m in members if m.alive]
    if not living:
        return None
    return min(living, key=lambda member: (member.date_of_birth, member.personal_id))
