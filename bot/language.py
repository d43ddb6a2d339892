"""Which language a message is written in, when it is clear: English or German, else unknown.

The answer follows the question's own language when it is clearly English ("Which networks are in
Saxony?", "Who won in 2013?") or clearly German; a message of place names, postcodes or network names
alone ("Jena", "37073", "job4u") says nothing, and the chat's language (its setting or the client's) decides.
A word list is enough: the bot's questions are short and their words few.
"""

from __future__ import annotations

from .textnorm import fold

MAX_READ = 300

# words that are English and not German (and not network or place names)
ENGLISH = frozenset("""the which what where who whom whose how why when is are was were be been do does did have
    has had can could would should will shall may might must there here this that these those any some
    networks network near nearby nearest closest around close award awards awarded winner winners won win
    prize contact phone email address show me please tell about give find list of for from with
    and or my our we you your i it its they them their in on at to by all every many much more less
    help hello hi hey thanks thank cheers bye goodbye yes no skilled workers worker labour labor nursing care
    logistics immigration apprenticeship apprenticeships training topics topic sources privacy language
    english anything something nothing state states district county town city region area germany
    saxony bavaria hesse thuringia lower north south east west rhine westphalia palatinate
    reach call speak get know want need like looking search awarded contacts industry culture tourism hospitality
    energy renewable digitalisation digitization succession upskilling morning evening good whats pls winers
    forest mountains black cologne nuremberg munich western pomerania abroad family friendly glass ones""".split())
# words that are German and not English
GERMAN = frozenset("""der die das den dem des ein eine einen einem einer und oder aber nicht kein keine welche
    welcher welches was wer wo wie warum wann gibt gibts es ist sind war waren wurde wurden hat haben kann
    koennen kannst bitte zeig zeige mir mich mein meine unser unsere wir ich sie ihr ihre euch im ins am
    vom zum zur fuer mit bei nach von aus auf ueber unter netzwerke netzwerk netzwerken naehe nahe umgebung
    preis preise preistraeger auszeichnung ausgezeichnet gewonnen kontakt telefon adresse anschrift
    hilfe hallo danke tschuess ja nein fachkraefte fachkraeftesicherung pflege ausbildung themen quellen
    datenschutz sprache deutsch bundesland landkreis kreis stadt ort gemeinde alle jahr jahre auch noch
    schon mal doch denn eigentlich gerne weiter zurueck mehr""".split())
# words both languages use, which decide nothing
BOTH = frozenset("in an so hand hast bald also man will".split())


def detect(text: str) -> str | None:
    """"en" or "de" when the message is clearly in one language, else None. Only the start of a message
    is read (understanding reads no more either; folding a megabyte of combining marks would take minutes)."""
    words = [w for w in fold(text[:MAX_READ]).split() if w not in BOTH]
    english = sum(1 for w in words if w in ENGLISH)
    german = sum(1 for w in words if w in GERMAN)
    if english and not german and (english >= 2 or len(words) <= 2):
        return "en"
    if german and not english and (german >= 2 or len(words) <= 2):
        return "de"
    if english >= 2 * german + 2:
        return "en"
    if german >= 2 * english + 2:
        return "de"
    return None
