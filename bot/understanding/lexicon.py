"""The words that carry intent, filler words and patterns (German and the English people write).

Folded forms (``bot.textnorm.fold``): lower case, umlauts as ae/oe/ue, ß as ss.
"""

from __future__ import annotations

import re

from ..placenames import ISLAND_TOWNS

MAX_CHARS = 300
FIRST_YEAR, LAST_YEAR = 2012, 2026

# Words that carry the intent (folded). Multi-word phrases are matched on the folded text.
HELP_WORDS = {"hilfe", "help", "start", "hallo", "hi", "hey", "moin", "servus", "gruezi", "hello", "info", "menue",
              "menu", "anleitung", "befehle", "commands", "halloechen", "hallihallo", "huhu", "tach", "gruess",
              "gruss", "ahoi", "howdy"}
# thanks and goodbyes: a short friendly reply, not the whole welcome text and not "nicht verstanden"
THANKS_WORDS = {"cheers", "ta", "mate", "danke", "dankeschoen", "thanks", "thank", "thx", "merci", "tschuess", "ciao", "bye", "ok", "okay",
                "super", "prima", "toll", "klasse", "perfekt", "cool", "vielen", "dank", "herzlichen", "you", "gut",
                "alles", "klar", "wiedersehen", "auf", "servus", "ade", "great", "nice"}
HELP_PHRASES = ("was kannst du", "wie funktioniert", "was kann der bot", "was machst du", "wer bist du",
                "guten tag", "guten morgen", "guten abend", "what can you do", "how does this work", "wie geht das",
                "wie benutze", "wie nutze", "wie verwende", "wie bediene", "was kann ich", "kann ich dich",
                "how do i use", "good morning", "good evening", "good afternoon", "hello there", "hi there")
AWARD_WORDS = {"award", "awards", "preis", "preise", "preistraeger", "preistraegerin", "preistraegerinnen",
               "ausgezeichnet", "auszeichnung", "auszeichnungen", "gewonnen", "gewinner", "gewinnerin", "sieger",
               "praemiert", "winner", "winners", "won", "win", "wins", "awardees", "awardee", "laureates",
               "prizewinners", "awarded", "prize", "innovationstag", "preisverleihung",
               "innovativ", "innovative", "innovatives", "innovativste", "innovativsten", "fachkraeftepreis",
               "fachkraeftepreises", "wettbewerb", "wettbewerbs", "preisverleihungen", "preisgekroent",
               "preisgekroente", "preisjahr", "preisjahre", "preisjahren", "jury"}
CONTACT_WORDS = {"kontakt", "kontakte", "kontaktdaten", "erreichen", "erreiche", "erreichbar", "telefon",
                 "telefonnummer", "nummer", "email", "mail", "adresse", "anschrift", "ansprechpartner",
                 "ansprechpartnerin", "website", "webseite", "homepage", "internetseite", "contact", "anrufen",
                 "phone", "address", "kontaktieren", "melden", "ansprechen", "sitz", "buero", "tel", "nr",
                 "mailadresse", "emailadresse", "telefonnr", "rufnummer", "durchwahl", "faxnummer", "postanschrift",
                 "mailadressen", "kontaktadresse", "kontaktperson", "url", "link", "internetadresse", "reach", "number", "speak", "talk", "call", "adress", "adresse", "e-mail",
                 "emails", "phonenumber", "telephone"}
CONTACT_PHRASES = ("e mail", "wo sitzt", "wo sitzen", "wo finde ich die", "wo finde ich das", "where is", "wen spreche",
                   "spreche ich", "an wen wende", "wende ich mich")
NEARBY_WORDS = {"naehe", "nahe", "umgebung", "umkreis", "near", "nearby", "naechste", "naechsten", "naechstes",
                "around", "close", "umland", "bei", "rund", "nah", "naeher", "entfernung", "nearest", "closest",
                "vicinity", "within", "proximity", "surroundings", "surrounding"}
COUNTRY_WORDS = {"deutschland", "bundesweit", "insgesamt", "germany", "gesamt", "deutschlandweit", "bundesgebiet"}
NEARBY_PHRASES = ("in der naehe", "nicht weit", "not too far", "not far from", "in the area of", "close to")
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
    koordiniert koordinieren leitet leiten organisiert organisieren steckt hinter betreibt betreiben traeger runs
    zustaendig zustaendige frage fragen neu sitzt
    i at to on with from by a an can could you we my our get know need want would like some tell touch
    much somebody someone anybody anyone anything something exist exists has have had did does was were been be
    beim wen kommen kommt komme
""".split())
# typo'd intent words are read as these (only words of 7+ letters, one edit away)
FUZZY_INTENT_WORDS = sorted(w for w in CONTACT_WORDS | AWARD_WORDS | NEARBY_WORDS if len(w) >= 7)
NOT_INTENT_TYPOS = frozenset({"gewinnen", "gewinnung", "gewinnt", "gewinne", "kontakten", "erreicht", "adressen"})
# English names of German cities that people write in English
EXONYMS = {"munich": "muenchen", "cologne": "koeln", "nuremberg": "nuernberg", "hanover": "hannover",
           "brunswick": "braunschweig", "dusseldorf": "duesseldorf", "dusseldorff": "duesseldorf"}
# "aktive Netzwerke", "welche gibt es noch", "only ones that still exist": leave out networks that ended
ACTIVE_WORDS = frozenset("aktiv aktive aktiven aktiver active bestehende bestehenden existierende existierenden "
                         "laufende laufenden".split())
ACTIVE_PHRASES = ("gibt es noch", "gibts noch", "noch aktiv", "noch aktive", "noch existieren", "noch bestehen",
                  "still exist", "still active", "still running", "currently active", "derzeit aktiv",
                  "aktuell aktiv", "noch aktuell", "noch arbeiten", "noch laufen", "noch gibt", "heute noch",
                  "that still exist", "still around")
# "Ausbildungsnetzwerke", "Pflegenetzwerk": a topic word joined to a network word
NETWORK_SUFFIXES = ("netzwerke", "netzwerken", "netzwerk", "buendnisse", "buendnis", "allianzen", "allianz",
                    "initiativen", "initiative")
# award words that are nouns: "gewonnen" may be about football, "Preis" is about the award
AWARD_NOUNS = frozenset("""preis preise preistraeger preistraegerin preistraegerinnen auszeichnung auszeichnungen
    award awards prize innovatives innovative fachkraeftepreis innovationstag wettbewerb""".split())
# programme questions (bot/understanding/scope.py)
NETWORK_NOUNS = frozenset("""netzwerk netzwerke netzwerken netzwerks fachkraeftenetzwerk fachkraeftenetzwerke buendnis
    buendnisse allianz allianzen fachkraefteallianz fachkraefteallianzen fachkraeftebuendnis fachkraeftebuendnisse
    initiative initiativen network networks alliance alliances""".split())
COUNT_WORDS = frozenset("wie viele wieviele viel wieviel anzahl how many zahl".split())
# words a question about the bot's own list may carry ("wie viele Netzwerke sind in eurer Datenbank")
ABOUT_THE_LIST = frozenset("datenbank eurer euer eure deiner deine ihrer liste erfasst gespeichert bot kennst kennt "
                           "hast habt database list know".split())
MANY_TIMES_PHRASES = ("mehr als einmal", "mehr als ein mal", "zwei mal", "more than once", "am meisten")
MANY_TIMES = frozenset("""zweimal dreimal mehrfach mehrmals oefter oefters haeufigsten haeufiger haeufig meisten
    wiederholt doppelt twice multiple most often""".split())
APPLICATION_WORDS = frozenset("""bewerbungen bewerber bewerberinnen beworben einreichungen eingereicht teilnehmer
    teilnehmende applications applicants applied entries submissions""".split())
APPLY_WORDS = frozenset("""bewerben bewerbe bewirbt bewerbung teilnehmen teilnahme mitmachen anmelden anmeldung
    einreichen bewerbungsfrist bewerbungsschluss frist apply application enter deadline""".split())
# questions the bot cannot answer ("das weiß ich nicht"), unless they also ask for networks
# spoken forms that are also towns ("Haste was in Kiel?" = "hast du …", not Haste in Niedersachsen): read as a
# place only with evidence, like the frequent words of data/common_place_words.txt
COLLOQUIAL_PLACE_WORDS = frozenset("haste biste kannste willste weisste hamse gibste".split())
# a business looking for people: "Bäckerei in Trier sucht Fachkräfte" is the bot's question, not off-topic
STAFFING_WORDS = frozenset("""fachkraefte fachkraft fachkraeftemangel arbeitskraefte arbeitskraeftemangel personal
    personalmangel mitarbeiter mitarbeiterin mitarbeiterinnen mitarbeitende beschaeftigte azubi azubis auszubildende
    lehrling lehrlinge nachwuchs nachwuchskraefte koeche koch servicekraefte pflegekraefte gesellen meister
    staff workers employees apprentices trainees personnel""".split())
# off-topic words that name a kind of business: with STAFFING_WORDS they describe the asker, not the question
BUSINESS_WORDS = frozenset("""restaurant restaurants gaststaette kneipe kneipen cafe bistro pizzeria baecker baeckerei
    supermarkt apotheke zahnarzt friseur steuerberater anwalt rechtsanwalt notar kino""".split())
OFF_TOPIC_WORDS = frozenset("""restaurant restaurants gaststaette kneipe kneipen cafe bistro pizzeria pizza
    wetter weather wettervorhersage temperatur vorhersage forecast regnet sonnig schnee
    baecker baeckerei supermarkt apotheke zahnarzt friseur kino fussball bundesliga football
    fahrplan zug zuege zugverbindung flug fluege flight urlaub holiday hotelzimmer reservieren buchen
    kostet stundensatz stundenlohn kuendigen kuendige kuendigung probezeit abmahnung steuerberater anwalt
    rechtsanwalt notar
    rechnung invoice steuer steuern steuererklaerung tax witz joke rezept recipe
    foerderung foerderungen foerdermittel foerderprogramm foerderprogramme zuschuss zuschuesse kredit darlehen
    subvention subventionen funding grant grants loan buergergeld kurzarbeitergeld
    stellenanzeige stellenanzeigen lebenslauf gehalt mindestlohn arbeitsvertrag kuendigung arbeitsrecht
    aktien aktienkurs bitcoin job jobs visa visum arbeitsvisum wage wages salary cv resume""".split())
FUNDING_WORDS = frozenset("""foerderung foerderungen foerdermittel foerderprogramm foerderprogramme zuschuss zuschuesse
    kredit darlehen subvention subventionen funding grant grants loan""".split())
OFF_TOPIC_PHRASES = ("essen gehen", "wie spaet", "wie viel uhr", "schreib mir", "schreiben sie mir",
                     "eine rechnung", "hotel buchen", "zimmer buchen")
# English words of network names, read as the German ones ("the Jena alliance", "Ems axis")
EN_NAME_WORDS = {"alliance": "allianz", "alliances": "allianz", "axis": "achse", "association": "verein",
                 "initiatives": "initiative", "pact": "pakt", "forum": "forum", "platform": "plattform",
                 "cooperation": "kooperation", "agency": "agentur", "campaign": "kampagne",
                 "partnership": "partnerschaft", "strategic": "strategische", "collective": "kollektiv",
                 "county": "landkreis", "district": "landkreis", "st": "sankt"}
# phrases rewritten before the words are read: English name parts, islands (their main town), words
# written apart ("jade bay" is done by the name index itself, see SignalsMixin._join_split_names)
PHRASES = {"network for skilled labor": "netzwerk fachkraeftesicherung",  # the English of "Netzwerk Fachkräftesicherung …"
           "network for skilled labour": "netzwerk fachkraeftesicherung", "skilled workers": "fachkraefte", "skilled worker": "fachkraefte", "skilled labour": "fachkraefte",
           "skilled workers network": "fachkraeftenetzwerk", "south west": "suedwest", "north west": "nordwest",
           "north sea": "nordsee", "east frisia": "ostfriesland", "sensor technology": "sensorik",
           "get in touch": "kontakt", "reach out": "kontakt", "skilled worker network": "fachkraeftenetzwerk",
           "skilled workers networks": "fachkraeftenetzwerke", "skilled worker networks": "fachkraeftenetzwerke", "business initiative": "wirtschaftsinitiative",
           "district of": "landkreis", "county of": "landkreis", "innovative network": "innovatives netzwerk",
           "skilled labor": "fachkraefte", "skilled staff": "fachkraefte", "growth region": "wachstumsregion",
           "insel sylt": "westerland", **ISLAND_TOWNS}
PHRASE_GUARDS = {"foehr": ("wyk auf",)}  # not inside "Wyk auf Föhr"
# words that join two parts of one question ("Sachsen und Thüringen", "2013 oder 2014", "saarland, rlp")
CONJUNCTIONS = frozenset("und oder sowie bzw u and or".split())
ARTICLES = frozenset("der die das den dem des ein eine einen einem einer the".split())
LOCATIVES = frozenset("in im bei nahe naehe um von aus nach zu zum zur fuer ab rund umgebung umkreis near around "
                      "close to".split())
DISTRICT_MARKERS = ("landkreis", "lk", "lkr", "kreis", "bezirk", "regionalverband")
PLACE_QUALIFIERS = frozenset("landkreis kreis region regionen stadt land bundesland gemeinde raum".split())
# name words in more than about one in twelve networks ("netzwerk", "fachkraefteallianz", "fachkraefte"): with
# idf = ln((n + 1) / (df + 0.5)), 2.5 is a share of about 8 %; a share, so it holds as the data grows
GENERIC_IDF = 2.5
COMMAND_ALIASES = {
    "start": "start", "hilfe": "help", "help": "help", "award": "award", "awards": "award", "preis": "award",
    "preise": "award", "netzwerk": "profile", "network": "profile", "profil": "profile", "region": "region",
    "kontakt": "contact", "contact": "contact", "naehe": "nearby", "nahe": "nearby", "nähe": "nearby",
    "near": "nearby", "nearby": "nearby", "themen": "themen", "topics": "themen", "thema": "topic",
    "quellen": "quellen", "sources": "quellen", "datenschutz": "datenschutz", "privacy": "datenschutz",
    "sprache": "sprache", "language": "sprache", "lang": "sprache",
}
COMMAND = re.compile(r"^/([A-Za-zäöüÄÖÜß_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)
POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
# "PLZ 6108": a postcode whose leading zero was lost (spreadsheets drop it), read only after the word
SHORT_POSTCODE = re.compile(r"\b(?:plz|postleitzahl|postcode|zip(?: code)?)\s*:?\s*([1-9]\d{3})(?!\d)", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
SHORT_YEAR = re.compile(r"(?:^|\s)'(\d{2})(?!\d)")
DISTRICT_WORD = re.compile(r"\b(landkreis|lk|lkr|kreis|bezirk|regionalverband)\b")
