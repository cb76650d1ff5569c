"""The announcement of an issued card, in the version of ``health_card_issued`` this producer
is configured to emit (``CARD_EVENT_VERSION``).

The card is built once (:class:`~services.insurance.models.HealthCard`, the row insurance
keeps); only its announcement differs between versions, so one stored card reads the same
whichever version announced it, and switching versions during a rolling upgrade changes no
decision — only the event's shape.
"""

from __future__ import annotations

from lienthong.contracts.insurance import ChildHealthCard, HealthCardIssued, HealthCardIssuedV2
from services.insurance.models import HealthCard
from services.insurance.settings import CardEventVersion


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
