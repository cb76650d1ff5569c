"""Two events about the same person in one batch: the second sees what the first did.

The fast path applies a whole batch before one flush, so a handler must never miss a change an
earlier handler of the same batch made (a card issued, then ended by the child's death).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from lienthong.contracts.civil_registry import DeathRegistered
from lienthong.contracts.declarations import (
    BenefitClaim,
    DeceasedInfo,
    HealthInsuranceRequest,
    PlaceOfDeath,
)
from lienthong.contracts.insurance import FuneralBenefitDecided
from lienthong.contracts.population import CitizenRegistered
from lienthong.domain.personal_id import Sex
from services.insurance.models import HealthCard
from tests.integration.conftest import NOW, InProcessSystem
from tests.integration.helpers import event_of, process, record_of

CHILD = "001226000017"
"""A boy born in 2026, registered in Hà Nội (Thông tư 59: 001 + 2 + 26 + serial)."""
BORN = date(2026, 11, 2)
DIED = date(2026, 11, 14)


async def test_a_card_issued_and_ended_in_one_batch_ends_up_ended(
    system: InProcessSystem,
) -> None:
    registered = event_of(
        CitizenRegistered(
            dossier_id="birth-1",
            personal_id=CHILD,
            full_name="Trần Minh An",
            date_of_birth=BORN,
            sex=Sex.MALE,
            household_id="HO1",
            commune_code="00070",
            province_code="01",
            birth_registration_number="KS-00070-2026-000001",
            health_insurance=HealthInsuranceRequest(initial_clinic_code="01001"),
        ),
        dossier_id="birth-1",
        time=NOW,
    )
    died = event_of(
        DeathRegistered(
            dossier_id="death-1",
            registration_number="KT-00070-2026-000001",
            death_extract_number="TLKT-2026-00070000001",
            registered_on=DIED,
            deceased=DeceasedInfo(
                full_name="Trần Minh An", date_of_birth=BORN, sex=Sex.MALE, personal_id=CHILD
            ),
            date_of_death=DIED,
            place_of_death=PlaceOfDeath(commune_code="00070"),
            late_registration=False,
            days_after_death=2,
            benefit_claim=BenefitClaim(requested=False),
        ),
        dossier_id="death-1",
        time=NOW,
    )

    outcome = await process(system.services["insurance"], [record_of(registered), record_of(died)])

    assert outcome.processed == 2 and not outcome.dead_letters
    async with system.services["insurance"].db.read_session() as session:
        cards = (
            await session.exec(select(HealthCard).where(HealthCard.personal_id == CHILD))
        ).all()
    assert [(card.status, card.ended_on) for card in cards] == [("ended", DIED)]
    decided = [
        FuneralBenefitDecided.model_validate(event.data)
        for event in outcome.published
        if event.subject == "death-1"
    ]
    assert decided[0].cards_ended == [cards[0].card_code]
