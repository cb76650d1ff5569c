"""What each dossier and step counts for, and how a change moves the counters (−1, +1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.gateway.counting import DOSSIER, Place, Tally, dossier_marks, place_of, step_marks

DUE = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_dossier_counts_in_its_status_and_once_closed_in_its_timeliness() -> None:
    assert dossier_marks("in_progress", None, DUE) == (("in_progress", ""),)
    assert dossier_marks("completed", DUE - HOUR, DUE) == (
        ("completed", ""),
        ("closed_on_time", ""),
    )
    assert dossier_marks("rejected", DUE + HOUR, DUE) == (("rejected", ""), ("closed_late", ""))


def test_a_step_waits_until_reached_and_counts_refusals_by_reason() -> None:
    refused = {"code": "mother_not_found", "message": "…"}
    assert step_marks("pending", None, None, None, None) == (("waiting", ""),)
    assert step_marks("pending", DUE - 2 * HOUR, None, DUE, None) == (("pending", ""),)
    assert step_marks("rejected", DUE - 2 * HOUR, DUE, DUE, refused) == (
        ("rejected", "mother_not_found"),
        ("decided_on_time", ""),  # at the last second: still in time
    )
    # A failure is not a decision: no timeliness until the agency decides.
    failed = {"code": "dead_lettered.transient"}
    assert step_marks("failed", DUE - HOUR, DUE + HOUR, DUE, failed) == (
        ("failed", "dead_lettered.transient"),
    )
    assert step_marks("skipped", None, None, None, None) == (("skipped", ""),)


def test_the_day_is_the_vietnam_date_of_submission() -> None:
    # 18:30 UTC on the 17th is 01:30 on the 18th in Vietnam
    late_evening_utc = datetime(2026, 11, 17, 18, 30, tzinfo=UTC)

    assert place_of("birth", "01", late_evening_utc) == Place("birth", "01", date(2026, 11, 18))
    assert place_of("death", None, late_evening_utc).province_code == ""


def test_a_move_takes_one_from_what_it_was_and_gives_one_to_what_it_is() -> None:
    place = Place("birth", "01", date(2026, 11, 16))
    tally = Tally()

    tally.move(place, DOSSIER, (), dossier_marks("submitted", None, None))
    tally.move(place, DOSSIER, (("submitted", ""),), dossier_marks("completed", DUE, DUE))

    assert {key[2]: n for key, n in tally.counts.items()} == {
        "submitted": 0,
        "completed": 1,
        "closed_on_time": 1,
    }
