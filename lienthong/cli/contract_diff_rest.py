"""Each service's OpenAPI documents, old against new: per operation (path + method), what changed.

Operations are matched by method and path with the parameter names blanked (``/births/{}``), so
renaming a path parameter is found as such rather than as one operation gone and another new.
A request is written by clients and read by the server; a response the other way round — the
same schema walk serves both, with the roles telling ``contract_compat`` which side each mode
puts on the line. Parameters (query, header, cookie) are compared as one object per location:
a new required one is a new required field, an unknown one is ignored by the server.
"""

from __future__ import annotations

import re
from typing import Any, Final

from lienthong.cli.contract_change import Change, Kind, Located, Role, Side
from lienthong.cli.contract_diff_schema import SchemaDiff
from lienthong.cli.contract_schema_nodes import resolve

Document = dict[str, Any]
Operation = tuple[str, str, Document, Document]  # path, METHOD, operation, path item

METHODS: Final = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PARAMETER: Final = re.compile(r"\{([^}]*)\}")


def _operations(document: Document) -> dict[tuple[str, str], Operation]:
    """(METHOD, path with blank parameters) → the operation."""
    found: dict[tuple[str, str], Operation] = {}
    for path, item in document.get("paths", {}).items():
        for method in (m for m in METHODS if isinstance(item.get(m), dict)):
            key = (method.upper(), _PARAMETER.sub("{}", path))
            found[key] = (path, method.upper(), item[method], item)
    return found


def _parameters(document: Document, operation: Operation, where: str) -> dict[str, Document]:
    """Name → parameter object of one location (``path``, ``query``, ``header``, ``cookie``)."""
    listed = [*operation[3].get("parameters", []), *operation[2].get("parameters", [])]
    found = {}
    for parameter in (resolve(document, p)[0] for p in listed if isinstance(p, dict)):
        if parameter.get("in") == where:
            name = str(parameter.get("name", ""))
            found[name.lower() if where == "header" else name] = parameter
    return found


def _as_object(parameters: dict[str, Document]) -> Document:
    """Parameters as the fields of one open object: what a client sends, as the server reads it."""
    return {
        "type": "object",
        "properties": {name: p.get("schema", {}) for name, p in parameters.items()},
        "required": [name for name, p in parameters.items() if p.get("required")],
    }


def _media(was: Document, now: Document) -> list[Change]:
    """Media types a writer may use that the other version's reader does not list."""
    changes = []
    for media in (m for m in was if m not in now):
        why = f"what was written under the old contract may be {media}, which the new one lacks"
        changes.append(
            Change(Kind.MEDIA_TYPE_REMOVED, "", f"{media} removed", {Side.NEW_READERS: why})
        )
    for media in (m for m in now if m not in was):
        why = f"what is written under the new contract may be {media}, which the old one lacks"
        changes.append(Change(Kind.MEDIA_TYPE_ADDED, "", f"{media} added", {Side.OLD_READERS: why}))
    return changes


class RestDiff:
    """The changes of one service's API, from its ``old`` document to its ``new`` one."""

    def __init__(self, service: str, old: Document, new: Document) -> None:
        self.service, self.old, self.new = service, old, new
        self.who = {side: (f"clients of {service}",) for side in Side}
        self.found: list[Located] = []

    def _add(self, changes: list[Change], operation: Operation, part: str, role: Role) -> None:
        subject = f"{operation[1]} {operation[0]}"
        for change in changes:
            self.found.append(Located(change, "rest", subject, part, role, self.who, self.service))

    def changes(self) -> list[Located]:
        """Every change, operation by operation."""
        was, now = _operations(self.old), _operations(self.new)
        for key, operation in was.items():
            if key not in now:
                why = (
                    f"clients on the old contract call {key[0]} {operation[0]}, which the new "
                    "server does not have: they get 404 or 405"
                )
                what = f"{key[0]} {operation[0]} removed"
                change = Change(
                    Kind.OPERATION_REMOVED, "", what, {Side.NEW_READERS: why}, standalone=True
                )
                self._add([change], operation, "", Role.REQUEST)
            else:
                self._operation(operation, now[key])
        for key, operation in now.items():
            if key not in was:
                why = (
                    f"clients on the new contract may call {key[0]} {operation[0]}, which a "
                    "server still on the old contract does not have: they get 404 or 405"
                )
                what = f"{key[0]} {operation[0]} added"
                change = Change(
                    Kind.OPERATION_ADDED, "", what, {Side.OLD_READERS: why}, standalone=True
                )
                self._add([change], operation, "", Role.REQUEST)
        return self.found

    def _operation(self, was: Operation, now: Operation) -> None:
        self._path_parameters(was, now)
        requests = SchemaDiff(self.old, self.new, readers_use_defaults=True)
        for where in ("query", "header", "cookie"):
            old_params, new_params = (
                _parameters(self.old, was, where),
                _parameters(self.new, now, where),
            )
            if old_params or new_params:
                changes = requests.compare(_as_object(old_params), _as_object(new_params))
                self._add(changes, now, f"{where} parameters", Role.REQUEST)
        self._request_body(was, now, requests)
        self._responses(was, now)

    def _path_parameters(self, was: Operation, now: Operation) -> None:
        old_params, new_params = (
            _parameters(self.old, was, "path"),
            _parameters(self.new, now, "path"),
        )
        requests = SchemaDiff(self.old, self.new, readers_use_defaults=True)
        for before, after in zip(
            _PARAMETER.findall(was[0]), _PARAMETER.findall(now[0]), strict=True
        ):
            part = f"path parameter {{{after}}}"
            if before != after:
                why = (
                    f"the URL on the wire is the same, but clients written or generated against "
                    f"the old contract fill {{{before}}} by name, and the new contract has no "
                    f"such parameter (it is {{{after}}})"
                )
                what = f"path parameter {{{before}}} renamed {{{after}}}"
                kind = Kind.PATH_PARAMETER_RENAMED
                change = Change(kind, "", what, {Side.NEW_READERS: why}, standalone=True)
                self._add([change], now, part, Role.REQUEST)
            if before in old_params and after in new_params:  # both documented
                old_schema = old_params[before].get("schema", {})
                new_schema = new_params[after].get("schema", {})
                self._add(requests.compare(old_schema, new_schema), now, part, Role.REQUEST)

    def _request_body(self, was: Operation, now: Operation, requests: SchemaDiff) -> None:
        before = resolve(self.old, was[2].get("requestBody") or {})[0]
        after = resolve(self.new, now[2].get("requestBody") or {})[0]
        changes: list[Change] = []
        if after.get("required") and not before.get("required"):
            why = (
                "the new contract requires a request body, and what was written under the old "
                "one may have none"
            )
            changes.append(
                Change(Kind.BODY_REQUIRED, "", "request body now required", {Side.NEW_READERS: why})
            )
        if before.get("required") and not after.get("required"):
            why = (
                "the old contract requires a request body, and what is written under the new "
                "one may have none"
            )
            what = "request body no longer required" if after else "request body removed"
            changes.append(Change(Kind.BODY_REMOVED, "", what, {Side.OLD_READERS: why}))
        old_content, new_content = before.get("content", {}), after.get("content", {})
        if old_content and new_content:
            changes += _media(old_content, new_content)
        for media in (m for m in old_content if m in new_content):
            old_schema = old_content[media].get("schema", {})
            changes += requests.compare(old_schema, new_content[media].get("schema", {}))
        self._add(changes, now, "request body", Role.REQUEST)

    def _responses(self, was: Operation, now: Operation) -> None:
        answers = SchemaDiff(self.old, self.new, readers_use_defaults=False)
        before, after = was[2].get("responses", {}), now[2].get("responses", {})
        success: list[Change] = []
        for status in (s for s in before if s.startswith("2") and s not in after):
            why = f"a server on the old contract answers {status}, which the new one does not list"
            success.append(
                Change(Kind.STATUS_REMOVED, "", f"{status} removed", {Side.NEW_READERS: why})
            )
        for status in (s for s in after if s.startswith("2") and s not in before):
            why = f"the new server may answer {status}, which the old contract does not list"
            success.append(
                Change(Kind.STATUS_ADDED, "", f"{status} added", {Side.OLD_READERS: why})
            )
        self._add(success, now, "responses", Role.RESPONSE)
        for status in (s for s in before if s in after):
            old_content = resolve(self.old, before[status])[0].get("content", {})
            new_content = resolve(self.new, after[status])[0].get("content", {})
            changes = _media(old_content, new_content) if old_content and new_content else []
            for media in (m for m in old_content if m in new_content):
                old_schema = old_content[media].get("schema", {})
                changes += answers.compare(old_schema, new_content[media].get("schema", {}))
            self._add(changes, now, f"response {status}", Role.RESPONSE)


def rest_changes(service: str, old: Document | None, new: Document | None) -> list[Located]:
    """Every change to ``service``'s API; a service gone from the new contracts loses them all."""
    if old is None:
        return []  # a new service: nobody is on an old contract of it
    return RestDiff(service, old, new or {}).changes()
