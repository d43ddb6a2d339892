"""What the talkback features recognise in a text: their commands, the ways people ask to report
something ("Fehler melden", "unser Netzwerk fehlt", "Wie kann ich unser Netzwerk eintragen lassen?"),
the short answers inside a dialogue (ja, abbrechen, ohne) and "hier" for the home place.

Everything is matched on folded text (``bot.textnorm.fold``: lower case, ä → ae, punctuation → space),
so "Angaben veraltet!" and "angaben   VERALTET" are the same. Kept apart from the question
understanding on purpose: these are a handful of fixed phrases, tried only for a caller in a chat,
and they must never change how a question about networks is understood.
"""

from __future__ import annotations

import re

from ..textnorm import fold

# command name (as typed, without "/") -> what it does
COMMANDS = {
    "melden": "report", "meldung": "report", "fehler": "report", "report": "report", "korrektur": "report",
    "meldungen": "reports", "reports": "reports",
    "heimat": "home", "home": "home", "zuhause": "home",
    "abo": "abo", "subscribe": "abo", "abonnieren": "abo",
    "vergessen": "forget", "forget": "forget",
    "abbrechen": "cancel", "cancel": "cancel",
}
# the names Telegram shows and accepts (a-z, 0-9, _), for the handlers
TELEGRAM_COMMANDS = sorted(COMMANDS)

_COMMAND = re.compile(r"^/([A-Za-zäöüÄÖÜß_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)


def command(text: str) -> tuple[str | None, str]:
    """(the command's name, lower case, or None; its argument) for a text starting with "/"."""
    match = _COMMAND.match(text.strip()) if text.lstrip().startswith("/") else None
    if not match:
        return None, ""
    return match.group(1).lower(), (match.group(2) or "").strip()


def own_command(text: str) -> str | None:
    """What a talkback command does (report, reports, home, abo, forget, cancel), or None."""
    name, _arg = command(text)
    return COMMANDS.get(name) if name else None


CANCEL = {"abbrechen", "abbruch", "stopp", "stop", "cancel", "halt", "vergiss es", "nein danke", "doch nicht",
          "lieber nicht", "zurueck", "beenden", "abbrechen bitte", "bitte abbrechen", "never mind", "no thanks"}
YES = {"ja", "j", "jap", "jo", "yes", "ok", "okay", "senden", "absenden", "abschicken", "ja senden", "ja bitte",
       "passt", "richtig", "stimmt", "genau", "jawohl", "klar", "gerne", "gern", "ja gerne", "ja passt", "send"}
NO = {"nein", "n", "no", "nee", "noe", "nicht senden"}
SKIP = {"ohne", "ohne quelle", "keine", "keine quelle", "keine ahnung", "nein", "nee", "weiss nicht", "weiss ich nicht",
        "habe keine", "hab keine", "gibt keine", "ueberspringen", "skip", "weiter", "nichts", "kein kommentar",
        "kein", "x", "none", "no source", "no comment", "no", "nothing", "don t know", "not sure"}
NEW = {"neu", "neues", "neues netzwerk", "ein neues netzwerk", "new", "fehlt", "es fehlt", "gibt es noch nicht",
       "noch nicht drin", "noch nicht dabei", "nicht dabei", "neu eintragen", "new network", "a new network",
       "missing", "it s missing", "it is missing", "not listed"}
HERE = {"hier", "hier bei mir", "bei mir", "bei mir hier", "hier in der naehe", "in meiner naehe", "meine naehe",
        "in der naehe", "naehe", "nahe", "um mich herum", "hier in der gegend", "in meiner gegend", "meine gegend",
        "meine region", "in meiner region", "near me", "nearby", "around me", "was gibt es hier",
        "was gibt es bei mir", "netzwerke hier", "netzwerke bei mir", "netzwerke in meiner naehe"}


def is_cancel(text: str) -> bool:
    folded = fold(text)
    return folded in CANCEL or command(text)[0] in ("abbrechen", "cancel")


def is_yes(text: str) -> bool:
    return fold(text) in YES


def is_no(text: str) -> bool:
    return fold(text) in NO


def is_skip(text: str) -> bool:
    return fold(text) in SKIP


def is_new(text: str) -> bool:
    return fold(text) in NEW


def is_here(text: str) -> bool:
    """ "hier", "bei mir", "in meiner Nähe": the home place if there is one."""
    return fold(text) in HERE


_NETWORK = r"(?:netzwerk|netzwerke|netzwerkes|buendnis|allianz|initiative|verbund|fachkraeftenetzwerk|eintrag)"
# an existing entry is wrong or out of date
_CORRECTION = [re.compile(p) for p in (
    r"\bfehler\w*\b(?:\s+\w+){0,4}\s+(?:melden|mitteilen|gefunden|entdeckt|im eintrag|in den angaben)\b",
    r"\b(?:melden|mitteilen)\b(?:\s+\w+){0,2}\s+fehler",
    r"\b(?:aenderung|korrektur|problem|aktualisierung|update)\w*\s+(?:melden|mitteilen|einreichen|schicken|senden)\b",
    r"\b(?:angaben|angabe|daten|adresse|anschrift|kontakt\w*|infos?|informationen|eintrag|eintraege|website|webseite|"
    r"homepage|telefonnummer|link|profil|status)\s+(?:\w+\s+){0,3}(?:ist|sind|scheint|scheinen)?\s*(?:veraltet|falsch|"
    r"fehlerhaft|ueberholt|nicht mehr aktuell|nicht aktuell|stimmt nicht|stimmen nicht|nicht korrekt|kaputt|tot)\b",
    r"\b(?:falsche|veraltete|fehlerhafte|ueberholte|alte)\s+(?:angaben|angabe|daten|adresse|anschrift|infos?|"
    r"informationen|kontaktdaten|eintraege|eintrag|website|webseite|telefonnummer)\b",
    r"^(?:veraltet|falsch|fehlerhaft|nicht mehr aktuell)$",
    r"\b(?:gibt es|existiert)\s+(?:nicht mehr|so nicht mehr)\b",
    r"\b(?:wie|wo)\s+(?:kann|koennen)\s+(?:ich|wir|man)\s+(?:\w+\s+){0,3}(?:korrigieren|aendern|aktualisieren|"
    r"berichtigen)\b",
    r"\b(?:korrigieren|aktualisieren|berichtigen)\s+(?:lassen|sie bitte)\b",
    r"^(?:fehler|korrektur|meldung)\s*(?:machen|melden|abgeben|senden)?$",
)]
# a network is missing
_MISSING = [re.compile(p) for p in (
    rf"\b(?:unser|unsere|unseres|mein|meine|ein|das|dieses|ein neues)\s+{_NETWORK}\s+(?:\w+\s+){{0,3}}(?:fehlt|fehlen|"
    r"ist nicht|steht nicht|nicht drin|nicht dabei|nicht gelistet|nicht aufgefuehrt|nicht eingetragen|"
    r"nicht aufgelistet|nicht verzeichnet)",
    rf"\b{_NETWORK}\s+(?:\w+\s+){{0,2}}(?:eintragen|melden|vorschlagen|hinzufuegen|ergaenzen|nachtragen|aufnehmen)\b",
    r"\b(?:eintragen|aufnehmen|listen|hinzufuegen|ergaenzen|nachtragen)\s+lassen\b",
    rf"\bfehlt\s+(?:\w+\s+){{0,2}}{_NETWORK}\b",
    rf"\b(?:neues|weiteres)\s+{_NETWORK}\s+(?:melden|eintragen|vorschlagen)\b",
    r"^(?:eintragen|netzwerk eintragen|netzwerk melden|netzwerk vorschlagen|neues netzwerk)$",
    rf"\bwie\s+(?:komm\w*|gelang\w*)\s+(?:\w+\s+){{0,2}}{_NETWORK}\s+(?:\w+\s+){{0,2}}(?:in|auf)\s+(?:die|den|ihre|"
    r"eure|diese)\s+(?:liste|datenbank|verzeichnis|bot)\b",
)]


# one pass that every phrasing above needs to pass first (most messages are questions: they stop here)
_HINT = re.compile(r"fehl|veralt|eintrag|melde|meldung|korrekt|korrig|falsch|stimm|aender|aktuali|aufnehm|hinzuf|"
                   r"ergaenz|nachtrag|vorschlag|listen|gelistet|existier|gibt es|berichtig|ueberholt|kaputt|tot\b|"
                   r"update|problem|alte|nicht (?:dabei|drin|aufge|einge|verzeichnet)|ist nicht|steht nicht|komm|"
                   r"gelang|neues")


def report_kind(text: str) -> str | None:
    """ "new" (a network is missing), "fix" (something is wrong) or None for anything else."""
    folded = fold(text)
    if not folded or len(folded) > 300 or not _HINT.search(folded):
        return None
    if any(p.search(folded) for p in _MISSING):
        return "new"
    if any(p.search(folded) for p in _CORRECTION):
        return "fix"
    return None
