"""The AsyncAPI documents, old against new: per message (matched by event type), what changed.

A message is found by its ``name`` — the versioned event type — so a v2 beside a v1 is a new
message, never a change to v1. Who reads it comes from ``x-consumers``; who listens on its topic
(every consumer of any message on that channel) matters too, because the runtime dead-letters a
type it does not know as ``unknown_type`` (``lienthong/runtime/routing.py``): a type that
appears on a topic breaks the consumers already subscribed to it, and a type that disappears
breaks the consumers that replay the old messages still on it.
"""

from __future__ import annotations

from typing import Any

from lienthong.cli.contract_change import Change, Kind, Located, Role, Side
from lienthong.cli.contract_diff_schema import SchemaDiff

Document = dict[str, Any]


def _messages(document: Document) -> dict[str, Document]:
    """Event type → its message object."""
    messages = document.get("components", {}).get("messages", {})
    return {m["name"]: m for m in messages.values() if isinstance(m, dict) and "name" in m}


def _topics(document: Document) -> dict[str, str]:
    """Event type → the address of the channel it travels on."""
    by_id = {
        key: m.get("name", key)
        for key, m in document.get("components", {}).get("messages", {}).items()
    }
    topics: dict[str, str] = {}
    for key, channel in document.get("channels", {}).items():
        for reference in channel.get("messages", {}).values():
            ref = reference.get("$ref", "") if isinstance(reference, dict) else ""
            message_id = ref.rsplit("/", 1)[-1]
            if message_id in by_id:
                topics[by_id[message_id]] = channel.get("address") or key
    return topics


def _subscribers(document: Document, topic: str | None) -> tuple[str, ...]:
    """Every service consuming some message on ``topic``: what it would receive there."""
    topics = _topics(document)
    return tuple(
        sorted(
            {
                consumer
                for name, message in _messages(document).items()
                if topics.get(name) == topic
                for consumer in message.get("x-consumers", [])
            }
        )
    )


def _consumers(message: Document) -> tuple[str, ...]:
    return tuple(sorted(message.get("x-consumers", [])))


def _whole(kind: Kind, what: str, breaks: dict[Side, str]) -> Change:
    return Change(kind, "", what, breaks, standalone=True)


def _gone(name: str, old: Document, new: Document) -> Located:
    topic = _topics(old).get(name)
    old_readers, new_readers = _consumers(_messages(old)[name]), _subscribers(new, topic)
    breaks = {
        Side.OLD_READERS: f"{', '.join(old_readers) or 'nobody'} consume it on the old contract "
        "and wait for it: it is never sent again, so their step of every dossier stalls",
    }
    if new_readers:
        breaks[Side.NEW_READERS] = (
            f"the {name} messages already on {topic} are a type the new contract does not know: "
            f"{', '.join(new_readers)}, subscribed to {topic} on the new contract, dead-letter "
            "them as unknown_type when they read or replay them"
        )
    change = _whole(Kind.MESSAGE_REMOVED, f"message {name} removed", breaks)
    who = {Side.OLD_READERS: old_readers, Side.NEW_READERS: new_readers}
    return Located(change, "events", name, "", Role.EVENT, who)


def _new(name: str, old: Document, new: Document) -> Located:
    topic = _topics(new).get(name)
    listening = _subscribers(old, topic)
    breaks = {}
    if listening:
        breaks[Side.OLD_READERS] = (
            f"it is sent on {topic}, where {', '.join(listening)} already listen on the old "
            "contract, which does not know this type: they dead-letter every one as unknown_type"
        )
    change = _whole(Kind.MESSAGE_ADDED, f"message {name} added on {topic}", breaks)
    who = {Side.OLD_READERS: listening, Side.NEW_READERS: _consumers(_messages(new)[name])}
    return Located(change, "events", name, "", Role.EVENT, who)


def _moved(name: str, was: str | None, now: str | None) -> Change:
    breaks = {
        Side.OLD_READERS: f"consumers on the old contract read it from {was}, where it is no "
        "longer sent, and wait for it in vain",
        Side.NEW_READERS: f"consumers on the new contract read it from {now}, so the messages "
        f"already on {was} are never read, not even on replay",
    }
    return _whole(Kind.CHANNEL_CHANGED, f"message {name} moved from {was} to {now}", breaks)


def _parts(message: Document) -> dict[str, Document]:
    """The schemas of a message: its payload (the envelope), its headers and its Kafka key."""
    parts = {"payload": message.get("payload"), "headers": message.get("headers")}
    parts["key"] = message.get("bindings", {}).get("kafka", {}).get("key")
    return {part: schema for part, schema in parts.items() if isinstance(schema, dict)}


def event_changes(old: Document, new: Document) -> list[Located]:
    """Every change to the messages, from the ``old`` AsyncAPI document to the ``new`` one."""
    was, now = _messages(old), _messages(new)
    located = [_gone(name, old, new) for name in was if name not in now]
    located += [_new(name, old, new) for name in now if name not in was]
    diff = SchemaDiff(old, new, readers_use_defaults=True)
    for name in (n for n in was if n in now):
        who = {Side.OLD_READERS: _consumers(was[name]), Side.NEW_READERS: _consumers(now[name])}
        before, after = _topics(old).get(name), _topics(new).get(name)
        if before != after:
            located.append(
                Located(_moved(name, before, after), "events", name, "", Role.EVENT, who)
            )
        old_parts, new_parts = _parts(was[name]), _parts(now[name])
        for part in (p for p in old_parts if p in new_parts):
            for change in diff.compare(old_parts[part], new_parts[part]):
                located.append(Located(change, "events", name, part, Role.EVENT, who))
    return located
