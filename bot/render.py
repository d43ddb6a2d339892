"""Rendering an :class:`Answer`: Telegram HTML messages, plain text for the console, and JSON.

The Telegram renderer is the only place where answer text becomes HTML, and it escapes every span
with ``html.escape``; it splits at paragraph boundaries so no message exceeds 4096 characters, and
every callback action is checked against the 64-byte limit. The JSON form is the documented,
stable schema of ``netzwerkbot ask --json`` (see README, "JSON schema").
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .models import Answer, Button, Paragraph, Span

MAX_MESSAGE = 4096
MAX_CALLBACK = 64
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


def span_html(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    if span.url:
        return f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    if span.style in ("b", "i", "code"):
        return f"<{span.style}>{text}</{span.style}>"
    return text


def paragraph_html(paragraph: Paragraph) -> str:
    return "".join(span_html(s) for s in paragraph)


def _cut_paragraph(paragraph: Paragraph, limit: int) -> str:
    """A single paragraph longer than a message: shorten its plain text (tags would break if cut)."""
    text = "".join(s.text for s in paragraph)
    escaped = html.escape(text, quote=False)
    while len(escaped) > limit - 1:
        text = text[: max(0, len(text) - max(1, len(escaped) - limit + 1))]
        escaped = html.escape(text, quote=False)
    return escaped + "…"


def safe_buttons(rows: list[list[Button]]) -> list[list[Button]]:
    """Drop any callback button whose action would exceed Telegram's 64-byte limit."""
    result = []
    for row in rows:
        kept = [b for b in row if b.url or b.switch_inline is not None
                or (b.action and len(b.action.encode("utf-8")) <= MAX_CALLBACK)]
        if kept:
            result.append(kept)
    return result


def to_telegram(answer: Answer) -> list[TelegramMessage]:
    chunks: list[str] = []
    current = ""
    for paragraph in answer.paragraphs:
        piece = paragraph_html(paragraph)
        if len(piece) > MAX_MESSAGE:
            piece = _cut_paragraph(paragraph, MAX_MESSAGE)
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) > MAX_MESSAGE:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current or "…")
    messages = [TelegramMessage(chunk) for chunk in chunks]
    messages[-1].buttons = safe_buttons(answer.buttons)
    if answer.venue is not None:
        v = answer.venue
        venue = {"latitude": v.lat, "longitude": v.lon, "title": v.title}
        if v.address:
            venue["address"] = v.address
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
        "text": to_text(answer, numbered=False),
        "telegram": [m.to_json() for m in to_telegram(answer)],
    }
