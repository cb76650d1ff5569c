"""A child's card and its announcement, in the version of ``health_card_issued`` this producer
is configured to emit (``CARD_EVENT_VERSION``).

The card is built once (:class:`~services.insurance.models.HealthCard`, the row insurance
keeps); only its announcement differs between versions, so one stored card reads the same
whichever version announced it, and switching versions during a rolling upgrade changes no
decision — only the event's shape.
"""

from __future__ import annotations

from datetime import date

from lienthong.contracts.insurance import ChildHealthCard, HealthCardIssued, HealthCardIssuedV2
from lienthong.contracts.population import CitizenRegistered
from lienthong.domain.bhyt import child_card_code, child_card_valid_until
from services.insurance.models import HealthCard
from services.insurance.settings import CardEventVersion, InsuranceSettings


def child_card(
    citizen: CitizenRegistered, bhxh_number: str, today: date, settings: InsuranceSettings
) -> HealthCard:
    """Thẻ BHYT trẻ em dưới 6 tuổi (TE1) for a newly registered child: valid from the day of
    issue (not before the birth) to the end the configured 72-month rule gives. The real
    insurance stores it; a simulated one (mock mode) only announces it."""
    return HealthCard(
        card_code=child_card_code(citizen.province_code, bhxh_number),
        personal_id=citizen.personal_id,
        bhxh_number=bhxh_number,
        province_code=citizen.province_code,
        initial_clinic_code=citizen.health_insurance.initial_clinic_code,
        valid_from=max(today, citizen.date_of_birth),
        valid_until=child_card_valid_until(
            citizen.date_of_birth,
            age_months=settings.child_card_age_months,
            school_year_cutoff=(
                settings.child_card_school_cutoff_month,
                settings.child_card_school_cutoff_day,
            ),
        ),
        dossier_id=citizen.dossier_id,
    )


def card_issued(
    card: HealthCard, dossier_id: str, version: CardEventVersion
) -> HealthCardIssued | HealthCardIssuedV2:
    """The ``health_card_issued`` event payload of ``card`` in ``version``.

    v1 carries the 15-character code and the child's personal ID number at the top; v2 keys
    the card by the insured person (``insured_id``, the personal ID number since 1/8/2025) and
    nests the card with the beneficiary group and benefit level the stored card has.
    """
    if version == 1:
        return HealthCardIssued(
            dossier_id=dossier_id,
            personal_id=card.personal_id,
            card_code=card.card_code,
            valid_from=card.valid_from,
            valid_until=card.valid_until,
            initial_clinic_code=card.initial_clinic_code,
        )
    return HealthCardIssuedV2(
        dossier_id=dossier_id,
        insured_id=card.personal_id,
        card=ChildHealthCard(
            legacy_code=card.card_code,
            beneficiary_group=card.beneficiary_group,
            benefit_level=card.benefit_level,
            province_code=card.province_code,
            valid_from=card.valid_from,
            valid_until=card.valid_until,
            initial_clinic_code=card.initial_clinic_code,
        ),
    )
