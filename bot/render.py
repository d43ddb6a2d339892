"""Rendering an :class:`Answer`: Telegram HTML messages, plain text for the console, and JSON.

The Telegram renderer is the only place where answer text becomes HTML, and it escapes every span
with ``html.escape``; it splits at paragraph boundaries so no message exceeds 4096 characters
(counted in UTF-16 code units, as Telegram does) or 100 formatting entities, drops blank paragraphs
and characters the Bot API refuses (C0 controls, lone surrogates), links only http(s)/tg URLs, and
checks every callback action against the 64-byte limit (``tests/test_fuzz.py`` proves all of it). The JSON form is the documented,
stable schema of ``netzwerkbot ask --json`` (see README, "JSON schema").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace

from . import i18n
from .models import Answer, Button, Paragraph, Span

MAX_MESSAGE = 4096
MAX_CALLBACK = 64
MAX_ENTITIES = 100  # formatting entities Telegram keeps per message
SCHEMA_VERSION = 1


@dataclass
class TelegramMessage:
    html: str
    buttons: list[list[Button]] = field(default_factory=list)
    venue: dict | None = None  # {latitude, longitude, title, address}: send_venue / send_location

    def to_json(self) -> dict:
        data: dict = {"html": self.html, "buttons": [[b.to_json() for b in row] for row in self.buttons]}
        if self.venue is not None:
            data["venue"] = self.venue
        return data


_UNSENDABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINK_SCHEMES = ("http://", "https://", "tg://")


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _sendable(text: str) -> str:
    """Drop what the Bot API cannot take in a message: C0 control characters and lone surrogates."""
    return _UNSENDABLE.sub("", text)


def _linkable(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(_LINK_SCHEMES) and not any(ch.isspace() for ch in url)


def span_html(span: Span) -> str:
    raw = _sendable(span.text)
    if not raw:
        return ""
    text = html.escape(raw, quote=False)
    if span.url and _linkable(span.url):
        return f'<a href="{html.escape(_sendable(span.url), quote=True)}">{text}</a>'
    if span.style in ("b", "i", "code") and raw.strip():
        return f"<{span.style}>{text}</{span.style}>"
    return text


def _entities(paragraph: Paragraph) -> int:
    """How many Telegram entities (tags) the paragraph becomes."""
    return sum(1 for s in paragraph if _sendable(s.text) and ((s.url and _linkable(s.url))
               or (s.style in ("b", "i", "code") and _sendable(s.text).strip())))


def paragraph_html(paragraph: Paragraph) -> str:
    return "".join(span_html(s) for s in paragraph)


def _cut_paragraph(paragraph: Paragraph, limit: int) -> str:
    """A paragraph too long (or too rich) for one message: its plain text, shortened (tags would break if cut)."""
    text = _sendable("".join(s.text for s in paragraph))[:limit]  # every character is at least one unit
    escaped = html.escape(text, quote=False)
    while tg_len(escaped) > limit - 1:
        text = text[: max(0, len(text) - max(1, (tg_len(escaped) - limit + 1) // 5))]
        escaped = html.escape(text, quote=False)
    return escaped + "…"


def safe_buttons(rows: list[list[Button]]) -> list[list[Button]]:
    """Keep only buttons Telegram accepts: a text, and a callback action of 1-64 bytes or an http(s) URL."""
    result = []
    for row in rows:
        kept = []
        for b in row:
            if not _sendable(b.text or "").strip():
                continue
            if b.url:
                ok = _linkable(b.url)
            elif b.switch_inline is not None:
                ok = True
            else:
                ok = bool(b.action) and len(b.action.encode("utf-8", "surrogatepass")) <= MAX_CALLBACK \
                    and not _UNSENDABLE.search(b.action)
            if ok:
                kept.append(b)
        if kept:
            result.append(kept)
    return result


def to_telegram(answer: Answer) -> list[TelegramMessage]:
    """Messages of at most 4096 UTF-16 units and 100 entities each, split between paragraphs.

    Rendered once per answer (see ``Answer.memo``); every caller gets its own message objects."""
    rendered = answer.memo.get("telegram")
    if rendered is None:
        rendered = answer.memo["telegram"] = _to_telegram(answer)
    return [replace(m, buttons=[list(row) for row in m.buttons], venue=dict(m.venue) if m.venue else None)
            for m in rendered]


def _to_telegram(answer: Answer) -> list[TelegramMessage]:
    chunks: list[str] = []
    current, current_len, current_entities = "", 0, 0
    for paragraph in answer.paragraphs:
        if not _sendable("".join(s.text for s in paragraph)).strip():
            continue  # Telegram rejects blank messages; a blank paragraph adds nothing
        piece, entities = paragraph_html(paragraph), _entities(paragraph)
        if tg_len(piece) > MAX_MESSAGE or entities > MAX_ENTITIES:
            piece, entities = _cut_paragraph(paragraph, MAX_MESSAGE), 0
        piece_len = tg_len(piece)
        joined_len = current_len + 2 + piece_len if current else piece_len
        if current and (joined_len > MAX_MESSAGE or current_entities + entities > MAX_ENTITIES):
            chunks.append(current)
            current, current_len, current_entities = piece, piece_len, entities
        else:
            current = f"{current}\n\n{piece}" if current else piece
            current_len, current_entities = joined_len, current_entities + entities
    if current or not chunks:
        chunks.append(current or "…")
    messages = [TelegramMessage(chunk) for chunk in chunks]
    messages[-1].buttons = safe_buttons(answer.buttons)
    if answer.venue is not None:
        v = answer.venue
        with i18n.use(answer.lang):
            fallback = i18n._("Ort")
        venue = {"latitude": v.lat, "longitude": v.lon, "title": " ".join(_sendable(v.title).split())[:256] or fallback}
        address = " ".join(_sendable(v.address or "").split())[:256]
        if address:
            venue["address"] = address
        messages.append(TelegramMessage("", [], venue))
    return messages


def to_text(answer: Answer, numbered: bool = True) -> str:
    """Plain text; buttons become a numbered list ("[1] Weiter ▶") that the console chat can pick from."""
    lines = []
    for paragraph in answer.paragraphs:
        parts = []
        for span in paragraph:
            parts.append(f"{span.text} <{span.url}>" if span.url and span.url != span.text else span.text)
        lines.append("".join(parts))
    text = "\n\n".join(lines)
    if answer.venue is not None:
        v = answer.venue
        text += f"\n\n📍 {v.title}: {v.lat:.4f}, {v.lon:.4f} (https://www.openstreetmap.org/?mlat={v.lat}&mlon={v.lon}&zoom=12)"
    if numbered:
        options = button_list(answer)
        if options:
            text += "\n\n" + "\n".join(
                f"[{n}] {b.text}" + (f" <{b.url}>" if b.url else "") for n, b in enumerate(options, start=1))
    return text


def button_list(answer: Answer) -> list[Button]:
    return [b for row in safe_buttons(answer.buttons) for b in row]


def to_json(answer: Answer) -> dict:
    """The stable JSON schema (version 1) of ``ask --json``."""
    return {
        "schema": SCHEMA_VERSION,
        "lang": answer.lang,
        "intent": answer.intent,
        "region": answer.region.to_json() if answer.region else None,
        "year": answer.year,
        "topic": answer.topic,
        "network_id": answer.network_id,
        "networks": [n.to_json() for n in answer.networks],
        "total": answer.total,
        "page": answer.page,
        "pages": answer.pages,
        "choices": [c.to_json() for c in answer.choices],
        "regions": [r.to_json() for r in ([answer.region] if answer.region else []) + answer.extra_regions],
        "years": ([answer.year] if answer.year is not None else []) + answer.extra_years,
        "topics": ([answer.topic] if answer.topic else []) + answer.extra_topics,
        "reused": list(answer.reused),
        "faq": answer.faq,
        "scope": answer.scope,
        "region_group": answer.region_group,
        "active_only": answer.active_only,
        "text": to_text(answer, numbered=False),
        "telegram": [m.to_json() for m in to_telegram(answer)],
    }
