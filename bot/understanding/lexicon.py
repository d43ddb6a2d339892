"""The words that carry intent, filler words and patterns (German and the English people write).

Folded forms (``bot.textnorm.fold``): lower case, umlauts as ae/oe/ue, ß as ss.
"""

from __future__ import annotations

import re

MAX_CHARS = 300
FIRST_YEAR, LAST_YEAR = 2012, 2026

# Words that carry the intent (folded). Multi-word phrases are matched on the folded text.
HELP_WORDS = {"hilfe", "help", "start", "hallo", "hi", "hey", "moin", "servus", "gruezi", "hello", "info", "menue",
              "menu", "anleitung", "befehle", "commands", "halloechen", "hallihallo", "huhu", "tach", "gruess",
              "gruss", "ahoi", "howdy"}
# thanks and goodbyes: a short friendly reply, not the whole welcome text and not "nicht verstanden"
THANKS_WORDS = {"danke", "dankeschoen", "thanks", "thank", "thx", "merci", "tschuess", "ciao", "bye", "ok", "okay",
                "super", "prima", "toll", "klasse", "perfekt", "cool", "vielen", "dank", "herzlichen", "you", "gut",
                "alles", "klar", "wiedersehen", "auf", "servus", "ade", "great", "nice"}
HELP_PHRASES = ("was kannst du", "wie funktioniert", "was kann der bot", "was machst du", "wer bist du",
                "guten tag", "guten morgen", "guten abend", "what can you do", "how does this work", "wie geht das",
                "wie benutze", "wie nutze", "wie verwende", "wie bediene", "was kann ich", "kann ich dich",
                "how do i use")
AWARD_WORDS = {"award", "awards", "preis", "preise", "preistraeger", "preistraegerin", "preistraegerinnen",
               "ausgezeichnet", "auszeichnung", "auszeichnungen", "gewonnen", "gewinner", "gewinnerin", "sieger",
               "praemiert", "winner", "winners", "won", "win", "wins", "awarded", "prize", "innovationstag", "preisverleihung",
               "innovativ", "innovative", "innovatives", "innovativste", "innovativsten", "fachkraeftepreis",
               "fachkraeftepreises", "wettbewerb", "wettbewerbs", "preisverleihungen", "preisgekroent",
               "preisgekroente", "preisjahr", "preisjahre", "preisjahren", "jury"}
CONTACT_WORDS = {"kontakt", "kontakte", "kontaktdaten", "erreichen", "erreiche", "erreichbar", "telefon",
                 "telefonnummer", "nummer", "email", "mail", "adresse", "anschrift", "ansprechpartner",
                 "ansprechpartnerin", "website", "webseite", "homepage", "internetseite", "contact", "anrufen",
                 "phone", "address", "kontaktieren", "melden", "ansprechen", "sitz", "buero", "tel", "nr",
                 "mailadresse", "emailadresse", "telefonnr", "rufnummer", "durchwahl", "faxnummer", "postanschrift",
                 "mailadressen", "kontaktadresse", "kontaktperson", "url", "link", "internetadresse"}
CONTACT_PHRASES = ("e mail", "wo sitzt", "wo sitzen", "wo finde ich die", "wo finde ich das", "where is")
NEARBY_WORDS = {"naehe", "nahe", "umgebung", "umkreis", "near", "nearby", "naechste", "naechsten", "naechstes",
                "around", "close", "umland", "bei", "rund", "nah", "naeher", "entfernung"}
COUNTRY_WORDS = {"deutschland", "bundesweit", "insgesamt", "germany", "gesamt", "deutschlandweit", "bundesgebiet"}
COUNT_PHRASES = ("wie viele", "wieviele", "wie viel", "wieviel", "anzahl", "how many", "zahl der")
STOPWORDS = frozenset("""
    genau eigentlich macht machen tut tun erzaehl erzaehle erzaehlen beste besten bester standort
    bekommen erhalten bekam erhielt gekriegt kriegt kriegen
    welche welcher welches was wer wo wie gibt gibts es ein eine einen einem einer der die das den dem des
    und oder in im ins am an auf aus bei mit nach von vom zu zum zur fuer ueber um ich mir mich wir uns du
    sie ihr bitte mal doch denn noch auch schon alle alles sind ist sein hat haben habt kann koennen
    kannst zeig zeige zeigen such suche suchen finde finden liste list netzwerke netzwerk netzwerken
    fachkraeftenetzwerke fachkraeftenetzwerk region regionen raum gegend land bundesland kreis landkreis
    stadt ort gemeinde dort hier da den denen welchem jahr im jahre jahren wurde wurden worden wann werden
    hatte the which are is there any in of for me show find list networks network what who where how
    do does near state county city town region what's whats gut guten tag hallo danke
    sowas so etwas was aktiv aktive aktiven plz postleitzahl kennst kenne weisst
    macht machen tut erzaehl erzaehle erzaehlen sag sage sagen gib infos informationen details mehr wird
    thema themen sich mein meine meiner meinem bin waere hast tell about please give more
    zustaendig zustaendige frage fragen neu sitzt
""".split())
# typo'd intent words are read as these (only words of 7+ letters, one edit away)
FUZZY_INTENT_WORDS = sorted(w for w in CONTACT_WORDS | AWARD_WORDS | NEARBY_WORDS if len(w) >= 7)
NOT_INTENT_TYPOS = frozenset({"gewinnen", "gewinnung", "gewinnt", "gewinne", "kontakten", "erreicht", "adressen"})
# English names of German cities that people write in English
EXONYMS = {"munich": "muenchen", "cologne": "koeln", "nuremberg": "nuernberg", "hanover": "hannover",
           "brunswick": "braunschweig", "dusseldorf": "duesseldorf", "dusseldorff": "duesseldorf"}
# words that join two parts of one question ("Sachsen und Thüringen", "2013 oder 2014", "saarland, rlp")
CONJUNCTIONS = frozenset("und oder sowie bzw plus u and or".split())
ARTICLES = frozenset("der die das den dem des ein eine einen einem einer the".split())
LOCATIVES = frozenset("in im bei nahe naehe um von aus nach zu zum zur fuer ab rund umgebung umkreis near around "
                      "close to".split())
DISTRICT_MARKERS = ("landkreis", "lk", "lkr", "kreis", "bezirk", "regionalverband")
PLACE_QUALIFIERS = frozenset("landkreis kreis region regionen stadt land bundesland gemeinde raum".split())
GENERIC_IDF = 2.3  # name words in more than about one in ten networks ("netzwerk", "fachkraefteallianz")
COMMAND_ALIASES = {
    "start": "start", "hilfe": "help", "help": "help", "award": "award", "awards": "award", "preis": "award",
    "preise": "award", "netzwerk": "profile", "network": "profile", "profil": "profile", "region": "region",
    "kontakt": "contact", "contact": "contact", "naehe": "nearby", "nahe": "nearby", "nähe": "nearby",
    "near": "nearby", "nearby": "nearby", "themen": "themen", "topics": "themen", "thema": "topic",
    "quellen": "quellen", "sources": "quellen", "datenschutz": "datenschutz", "privacy": "datenschutz",
}
COMMAND = re.compile(r"^/([A-Za-zäöüÄÖÜß_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
SHORT_YEAR = re.compile(r"(?:^|\s)'(\d{2})(?!\d)")
DISTRICT_WORD = re.compile(r"\b(landkreis|lk|lkr|kreis|bezirk|regionalverband)\b")
