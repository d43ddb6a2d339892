"""Slash commands and their arguments ("/award 2013", "/kontakt Jena", "/start net_<id>")."""

from __future__ import annotations

import re

from ..models import Query
from .lexicon import COMMAND_ALIASES


class CommandsMixin:
    def _command(self, name: str, arg: str, text: str) -> Query:
        command = COMMAND_ALIASES.get(name.lower())
        if command == "start":
            payload = arg.split()[0] if arg else ""
            if payload.startswith("net_") and self.store.exists(payload[4:]):
                return Query(intent="profile", text=text, network_id=payload[4:])
            return Query(intent="help", text=text, info="start")
        if command == "help":
            return Query(intent="help", text=text)
        if command in ("themen", "quellen", "datenschutz"):
            return Query(intent="info", text=text, info=command)
        if command == "sprache":
            wanted = arg.strip().lower()[:2]
            if wanted in ("de", "en"):  # "/language en", "/sprache de"
                return Query(intent="info", text=text, info=f"language:{wanted}")
            return Query(intent="info", text=text, info="language")
        if command == "award":
            years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", arg)]
            if not arg or years:
                return Query(intent="award", text=text, year=years[0] if years else None)
            return self._network_or(arg, text, "profile", fallback=self._free(arg))
        if command == "profile":
            if not arg:
                return Query(intent="unknown", text=text, info="need_name")
            return self._network_or(arg, text, "profile", fallback=None)
        if command == "contact":
            if not arg:
                return Query(intent="unknown", text=text, info="need_contact")
            return self._network_or(arg, text, "contact", fallback=self._place_query(arg, text, "contact"))
        if command == "region":
            if not arg:
                return Query(intent="unknown", text=text, info="need_region")
            return self._place_query(arg, text, "region") or Query(intent="unknown", text=text, info="no_region")
        if command == "nearby":
            if not arg:
                return Query(intent="nearby", text=text, info="ask_location")
            return self._place_query(arg, text, "nearby") or Query(intent="unknown", text=text, info="no_region")
        if command == "topic":
            return self._free(arg or "themen")
        return Query(intent="unknown", text=text, info="unknown_command")

    def _network_or(self, arg: str, text: str, intent: str, fallback: Query | None) -> Query:
        sig = self.analyse(arg)
        matches = self.match_names(sig)
        decided = self._decide_network(matches, sig, strict=False)
        if isinstance(decided, str):
            return Query(intent=intent, text=text, network_id=decided)
        if decided and fallback is not None and sig.spans and not self._rest_words(sig):
            return fallback  # "/kontakt Jena": a bare place asks for its contacts, not which Jena network
        if decided:
            return Query(intent="clarify", text=text, choices=self._for_intent(decided, intent), info=intent)
        return fallback or Query(intent="unknown", text=text, info="no_network")
