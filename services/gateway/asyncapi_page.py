"""The AsyncAPI document as a page people read: channels, messages, their fields and examples.

Rendered on the server from the same document ``/asyncapi.json`` serves (no script, nothing
fetched from elsewhere): for each topic, each message with who sends and who receives it, the
payload's fields (type, required, description, example) and a whole example message.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;
color:#1b2733}h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:2px solid #d5dde5}
h3{margin:1.6rem 0 .3rem}code,pre{font:13px ui-monospace,monospace}pre{background:#f4f6f8;
padding:.7rem;overflow:auto}table{border-collapse:collapse;width:100%;margin:.4rem 0}
td,th{border-bottom:1px solid #e3e8ee;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{font-size:.8rem;color:#5b6b7b}.who{color:#5b6b7b}
"""


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " | ".join(_type_of(option) for option in schema[key])
    if schema.get("type") == "array":
        return f"{_type_of(schema.get('items', {}))}[]"
    return str(schema.get("type", schema.get("const", "any")))


def _fields(schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        examples = prop.get("examples") or []
        shown = escape(json.dumps(examples[0], ensure_ascii=False)) if examples else ""
        rows.append(
            f"<tr><td><code>{escape(name)}</code></td><td>{escape(_type_of(prop))}</td>"
            f"<td>{'yes' if name in required else ''}</td>"
            f"<td>{escape(str(prop.get('description', '')))}</td>"
            f"<td><code>{shown}</code></td></tr>"
        )
    head = (
        "<tr><th>field</th><th>type</th><th>required</th><th>description</th><th>example</th></tr>"
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _message(message: dict[str, Any], schemas: dict[str, Any]) -> str:
    payload = message["payload"]["properties"]["data"]["$ref"].rsplit("/", 1)[-1]
    example = json.dumps(message["examples"][0]["payload"], indent=2, ensure_ascii=False)
    return (
        f'<h3 id="{escape(message["name"])}"><code>{escape(message["name"])}</code></h3>'
        f"<p>{escape(message.get('summary', ''))}</p>"
        f'<p class="who">sent by {escape(message["x-producer"])} · received by '
        f"{escape(', '.join(message['x-consumers']))} · key: the dossier id</p>"
        f"<p>Payload <code>data</code>: <b>{escape(payload)}</b></p>"
        f"{_fields(schemas.get(payload, {}))}"
        f"<details><summary>Example message</summary><pre>{escape(example)}</pre></details>"
    )


def render_page(document: dict[str, Any]) -> str:
    """The whole page."""
    messages = document["components"]["messages"]
    schemas = document["components"]["schemas"]
    sections = []
    for channel in document["channels"].values():
        body = "".join(
            _message(messages[ref["$ref"].rsplit("/", 1)[-1]], schemas)
            for ref in channel["messages"].values()
        )
        sections.append(
            f"<h2><code>{escape(channel['address'])}</code></h2>"
            f"<p>{escape(channel.get('description', ''))}</p>{body}"
        )
    info = document["info"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info['title'])}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(info['title'])} <small>{escape(info['version'])}</small></h1>"
        f"<p>{escape(info['description'])}</p>"
        f'<p>AsyncAPI {escape(document["asyncapi"])}: <a href="/asyncapi.json">asyncapi.json</a>'
        f" · content type <code>{escape(document['defaultContentType'])}</code></p>"
        f"{''.join(sections)}</body></html>"
    )
