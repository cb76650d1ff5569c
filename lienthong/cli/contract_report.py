"""How a check's verdict is told: one block per incompatibility for people, JSON for machines.

Each block answers the four questions a team asks before it ships a change — WHAT changed,
WHERE (the message or the service's METHOD /path, the part, the field path), WHY it breaks
(per direction the mode checks) and WHO it breaks (the consumers, or the clients of a service) —
then one summary line. Confluent's registry only says "incompatible"; this says enough to fix
it or to decide the break is intended.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, Final

from lienthong.cli.contract_change import Located
from lienthong.cli.contract_compat import Incompatibility, Verdict

WIDTH: Final = 100
_LABEL: Final = 7  # "where: " etc.


def _line(label: str, text: str, wrap: bool = False) -> str:
    """One labelled line; only prose is wrapped, so names and paths stay whole for grep."""
    if not wrap:
        return f"  {label + ':' if label else '':<{_LABEL}}{text}"
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=f"  {label + ':' if label else '':<{_LABEL}}",
        subsequent_indent=" " * (_LABEL + 2),
        break_long_words=False,
        break_on_hyphens=False,
    )


def _block(item: Incompatibility) -> str:
    change = item.located.change
    directions = " and ".join(item.why)
    lines = [f"INCOMPATIBLE ({directions}, against {item.baseline}): {change.kind}"]
    lines.append(_line("what", change.what))
    lines.append(_line("where", item.located.where))
    for number, (direction, why) in enumerate(item.why.items()):
        text = why if len(item.why) == 1 else f"{direction}: {why}"
        lines.append(_line("why" if number == 0 else "", text, wrap=True))
    lines.append(_line("who", ", ".join(item.who)))
    return "\n".join(lines)


def _against(verdict: Verdict) -> str:
    if len(verdict.baselines) == 1:
        return verdict.baselines[0]
    return f"{len(verdict.baselines)} versions ({', '.join(verdict.baselines)})"


def summary(verdict: Verdict) -> str:
    """The last line: compatible or not, under which mode, against what, and the counts."""
    broken, fine = verdict.incompatibilities, len(verdict.compatible)
    others = f"; {fine} other change{'s' * (fine != 1)} break{'s' * (fine == 1)} nobody"
    if not broken:
        return f"compatible under {verdict.mode} with {_against(verdict)}: " + (
            f"{fine} change{'s' * (fine != 1)}, none breaking" if fine else "no changes"
        )
    events = sum(item.located.area == "events" for item in broken)
    return (
        f"incompatible under {verdict.mode} with {_against(verdict)}: {len(broken)} breaking "
        f"change{'s' * (len(broken) != 1)} ({events} in events, {len(broken) - events} in REST "
        f"APIs){others if fine else ''}"
    )


def render_text(verdict: Verdict) -> str:
    """Every incompatibility as a block, a blank line between, then the summary."""
    return "\n\n".join([*(_block(item) for item in verdict.incompatibilities), summary(verdict)])


def _place(located: Located) -> dict[str, Any]:
    place: dict[str, Any] = {"area": located.area, "where": located.where}
    if located.area == "events":
        place["message"] = located.subject
    else:
        method, _, path = located.subject.partition(" ")
        place.update(service=located.service, method=method, path=path)
    place.update(part=located.part or None, field=located.change.field or None)
    return place


def render_json(verdict: Verdict) -> str:
    """The verdict as one JSON object (``compatible``, ``incompatibilities``, the rest)."""
    document = {
        "mode": str(verdict.mode),
        "directions": [str(d) for d in verdict.mode.directions],
        "baselines": list(verdict.baselines),
        "compatible": not verdict.incompatibilities,
        "incompatibilities": [
            {
                "baseline": item.baseline,
                "kind": str(item.located.change.kind),
                "what": item.located.change.what,
                **_place(item.located),
                "breaks": [str(d) for d in item.why],
                "why": {str(d): text for d, text in item.why.items()},
                "who": list(item.who),
            }
            for item in verdict.incompatibilities
        ],
        "compatible_changes": [
            {
                "baseline": name,
                "kind": str(located.change.kind),
                "what": located.change.what,
                **_place(located),
            }
            for name, located in verdict.compatible
        ],
        "summary": summary(verdict),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
