"""``record``: a live run turned into a scenario that replays elsewhere as a regression test.

What was submitted comes from the gateway (``/admin/submissions``), what came out from its
dossiers, which faults were on from every service. People are never written down: each person
a form names becomes a description of their role — a mother of province 38, a pensioner, an
unknown father, a misspelt name — recovered from the registers and from the refusal each dossier
met, and the replay picks synthetic people that fit. The same real person in several dossiers
becomes one alias (``person: p1``), so the replay names one synthetic person there too.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any, Final

from lienthong.contracts.services import GATEWAY, INSURANCE
from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.calendar import vietnam_date
from lienthong.scenarios.outcomes import FINAL, refusal_of, wait_until_settled
from lienthong.scenarios.system import SandboxApi
from lienthong.workload.forms import BirthDefect, DeathDefect
from lienthong.workload.people import PeoplePicker, profile_of

__all__ = ["record_scenario"]

DEFECT_OF_REASON: Final[dict[str, str]] = {
    "mother_not_found": BirthDefect.MOTHER_UNKNOWN,
    "mother_data_mismatch": BirthDefect.MOTHER_MISMATCH,
    "parent_deceased_before_birth": BirthDefect.MOTHER_DECEASED,
    "father_not_found": BirthDefect.FATHER_UNKNOWN,
    "father_data_mismatch": BirthDefect.FATHER_MISMATCH,
    "household_head_not_found": BirthDefect.HEAD_UNKNOWN,
    "household_head_not_in_commune": BirthDefect.HEAD_ELSEWHERE,
    "deceased_not_found": DeathDefect.DECEASED_UNKNOWN,
    "deceased_data_mismatch": DeathDefect.DECEASED_MISMATCH,
    "already_deceased": DeathDefect.ALREADY_DEAD,
}
"""The form mistake a refusal reveals: what the replay must get wrong to be refused alike."""

STABLE_RESULTS: Final[dict[str, tuple[str, ...]]] = {
    "insurance": ("benefit", "amount_vnd"),
    "civil_registry": ("late_registration",),
}
"""Result fields decided by the rules alone (never by who was picked or in which order)."""

_PAGE: Final = 1000


def _days(text: str) -> str:
    return f"{max(0, int(text))}d"


def _expectation(view: dict[str, Any]) -> dict[str, Any]:
    steps: dict[str, Any] = {}
    for step in view["steps"]:
        if step["status"] == "pending":
            continue  # never reached after a refusal: nothing was observed to expect
        entry: dict[str, Any] = {"status": step["status"]}
        if step.get("reason"):
            entry["reason"] = step["reason"]["code"]
        stable = {
            key: step["result"][key]
            for key in STABLE_RESULTS.get(step["agency"], ())
            if step.get("result") and key in step["result"]
        }
        if stable:
            entry["result"] = stable
        steps[step["agency"]] = entry
    return {"status": view["status"], "overdue": view["overdue"], "steps": steps}


async def submissions(api: SandboxApi, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Every form the gateway took in ``[since, until)``, oldest first, page after page."""
    found: list[dict[str, Any]] = []
    while True:
        params = {"since": since.isoformat(), "until": until.isoformat()}
        page = await api.get(
            GATEWAY, "/admin/submissions", {**params, "limit": _PAGE, "offset": len(found)}
        )
        found += page["items"]
        if not page["more"]:
            return found


class _Recorder:
    def __init__(self, api: SandboxApi) -> None:
        self.api = api
        self.units = load_admin_units()

    async def insurance_facts(self, personal_ids: list[str]) -> dict[str, dict[str, Any] | None]:
        async def one(pid: str) -> tuple[str, dict[str, Any] | None]:
            return pid, await self.api.get_or_none(INSURANCE, f"/api/v1/insured-persons/{pid}")

        return dict(await asyncio.gather(*(one(pid) for pid in personal_ids)))

    def province_of(self, commune: str) -> str | None:
        found = self.units.commune(commune)
        return found.province_code if found else None


async def record_scenario(
    api: SandboxApi, since: datetime, until: datetime, name: str, wait_s: float
) -> tuple[dict[str, Any], int]:
    """The scenario (as YAML-ready data) of what the sandbox took in between since and until,
    once its dossiers have settled (waiting up to ``wait_s``), and how many had not: their
    expectations are left out, as they would record a moment, not an outcome."""
    recorder = _Recorder(api)
    submitted = await submissions(api, since, until)
    views: dict[str, dict[str, Any]] = {}
    still = await wait_until_settled(
        api, [s["dossier_id"] for s in submitted], wait_s, keep=views.__setitem__
    )
    _, clock_speed = await api.clock()
    faults = await api.get(GATEWAY, "/api/v1/faults")
    deaths = [s["form"]["deceased"]["personal_id"] for s in submitted if s["kind"] == "death"]
    facts = await recorder.insurance_facts(sorted(set(deaths)))
    # Looks up only, never draws.
    picker = PeoplePicker(api.urls, random.Random(0), headers=api.headers)
    try:
        people = await picker.lookup(
            [s["form"]["mother"]["personal_id"] for s in submitted if s["kind"] == "birth"]
        )
    finally:
        await picker.aclose()
    first = datetime.fromisoformat(submitted[0]["submitted_at"]) if submitted else since
    main_person = {
        s["dossier_id"]: s["form"]["mother" if s["kind"] == "birth" else "deceased"]["personal_id"]
        for s in submitted
    }
    repeated = [pid for pid, n in Counter(main_person.values()).items() if n > 1]
    aliases = {pid: f"p{i + 1}" for i, pid in enumerate(repeated)}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in submitted:
        group_key = item["dossier_id"] if item["keyed"] else f"hash:{item['request_hash']}"
        groups[group_key].append(item)
    dossiers: list[dict[str, Any]] = []
    expect: dict[str, Any] = {}
    events: list[dict[str, Any]] = []
    counter = Counter[str]()
    for items in sorted(groups.values(), key=lambda g: g[0]["submitted_at"]):
        head = items[0]
        counter[head["kind"]] += 1
        spec_name = f"{head['kind']}-{counter[head['kind']]}"
        at = (datetime.fromisoformat(head["submitted_at"]) - first).total_seconds()
        spec = _spec(recorder, head, views.get(head["dossier_id"]), people, facts)
        spec.update(name=spec_name, at=f"{at:.3f}s")
        alias = aliases.get(main_person[head["dossier_id"]])
        if alias:
            spec["person"] = alias
        if len(items) > 1:
            gap = (
                datetime.fromisoformat(items[1]["submitted_at"])
                - datetime.fromisoformat(head["submitted_at"])
            ).total_seconds()
            spec["submit"] = {"times": len(items), "same_key": False, "every": f"{gap:.3f}s"}
        dossiers.append(spec)
        for n, item in enumerate(items):
            label = spec_name if n == 0 else f"{spec_name}#{n + 1}"
            view = views.get(item["dossier_id"])
            if view is None or view["status"] not in FINAL | {"failed"}:
                continue  # still moving: a moment, not an outcome
            expect[label] = _expectation(view)
            for step in view["steps"]:
                if step.get("finished_at"):
                    moment = datetime.fromisoformat(step["finished_at"])
                    events.append(
                        {
                            "dossier": label,
                            "agency": step["agency"],
                            "status": step["status"],
                            "at": round((moment - first).total_seconds(), 3),
                        }
                    )
    scenario = {
        "name": name,
        "description": f"Recorded from {api.urls[GATEWAY]}: {len(submitted)} dossiers "
        f"submitted between {since.isoformat()} and {until.isoformat()} (simulated).",
        # On a fast clock, deadlines (working days) depend on the weekday: replay from the same
        # simulated start. At speed 1 the outcomes do not, and any running sandbox will do.
        "clock": {
            "speed": clock_speed,
            **({"start": since.isoformat()} if clock_speed > 1 else {}),
        },
        "timeout": "120s",
        "faults": _faults(faults),
        "dossiers": dossiers,
        "expect": {"dossiers": expect, "all": {"count": len(submitted)}},
        "recorded": {
            "source": api.urls[GATEWAY],
            "since": since.isoformat(),
            "until": until.isoformat(),
            "clock_speed": clock_speed,
            "events": sorted(events, key=lambda e: (e["at"], e["dossier"])),
        },
    }
    return scenario, len(still)


def _faults(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The faults on when the recording ends, as scenario faults on from the replay's start.

    Only those active then: a window that has closed, or not opened yet, did not shape the
    outcomes (faults switched on and off during the window are not seen — a known limit).
    """
    kept = ("rate", "provinces", "flow", "latency", "limit", "office_hours", "window", "poison")
    faults = []
    for service, listed in (answer.get("faults") or {}).items():
        for fault in listed:
            if not fault.get("active", True):
                continue
            entry = {"service": service, "kind": fault["kind"]}
            entry.update({k: fault[k] for k in kept if fault.get(k) not in (None, [], False)})
            faults.append(entry)
    return faults


def _spec(
    recorder: _Recorder,
    item: dict[str, Any],
    view: dict[str, Any] | None,
    people: dict[str, Any],
    facts: dict[str, dict[str, Any] | None],
) -> dict[str, Any]:
    """One dossier's role description: province, defects, dates relative to submission."""
    form = item["form"]
    submitted_on = vietnam_date(datetime.fromisoformat(item["submitted_at"]))
    reason = refusal_of(view) if view else None
    defect = DEFECT_OF_REASON.get(reason or "")
    if item["kind"] == "birth":
        mother = people.get(form["mother"]["personal_id"])
        province = mother.province_code if mother else None
        province = province or recorder.province_of(form["residence"]["commune_code"])
        born = date.fromisoformat(form["child"]["date_of_birth"])
        spec: dict[str, Any] = {
            "kind": "birth",
            "father": form.get("father") is not None,
            "born": _days(str((submitted_on - born).days)),
        }
    else:
        died = date.fromisoformat(form["date_of_death"])
        claim = form.get("benefit_claim") or {}
        # Any cause of Decree 20/2021 art. 14 is replayed as a disaster: the same 50 × support.
        emergency = claim.get("disaster_death") or claim.get("cause", "other") != "other"
        benefit = "disaster" if emergency else "claimed"
        if not claim.get("requested", True):
            benefit = "not_claimed"
        spec = {
            "kind": "death",
            "insurance": profile_of(facts.get(form["deceased"]["personal_id"])).value,
            "died": _days(str((submitted_on - died).days)),
            "benefit": benefit,
        }
        province = recorder.province_of(form["place_of_death"]["commune_code"])
    if province:
        spec["province"] = province
    if defect:
        spec["defects"] = [str(defect)]
    return spec
