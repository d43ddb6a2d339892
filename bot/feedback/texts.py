"""Every user-facing text of the talkback features, in one place (German; English comes later).

Keys are message ids; values are ``str.format`` templates. Nothing here is HTML: answers are
documents of spans (``bot.models``) and the renderer escapes them, so a ``{name}`` filled from user
input can never become markup. Use :func:`tr` to look a text up; a missing key is a bug and raises.
When the bot gets a second language, this table moves into a gettext/Fluent catalogue unchanged.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- shared --------------------------------------------------------------------------------------
    "unavailable": "⚠️ {feature} ist gerade nicht verfügbar (technische Störung). Ihre Fragen nach Netzwerken "
                   "beantworte ich weiter – bitte versuchen Sie es später noch einmal.",
    "feature.reports": "Das Melden",
    "feature.ratings": "Die Bewertung",
    "feature.home": "Der Heimatort",
    "feature.abo": "Das Abo",
    "feature.forget": "Das Löschen Ihrer Daten",
    "feature.admin": "Die Meldungsverwaltung",
    "only_in_chat": "Das geht nur im Chat mit dem Bot (Telegram oder „netzwerkbot chat“): dort {command} schreiben.",
    "expired": "Diese Eingabe ist abgelaufen (nach 30 Minuten ohne Antwort) – beginnen Sie einfach neu.",
    "cancelled": "Abgebrochen – nichts gespeichert.",
    "flow_dropped": "(Ihre angefangene Eingabe habe ich verworfen.)",
    "cut": " (gekürzt auf {limit} Zeichen)",
    "only_admins": "Dieser Befehl ist nur für Administratoren des Bots verfügbar.",
    "btn.cancel": "❌ Abbrechen",
    # -- reports ---------------------------------------------------------------------------------------
    "btn.report": "✏️ Fehler melden",
    "btn.new_network": "🆕 Neues Netzwerk",
    "btn.as_new": "🆕 Als neues Netzwerk melden",
    "btn.send": "✅ Senden",
    "btn.no_source": "Ohne Quelle",
    "report.title": "Meldung an die Redaktion",
    "report.faq_hint": "Sie können uns aber Fehler und fehlende Netzwerke melden: /melden oder die Knöpfe unten. "
                       "Das Betreiberteam prüft jede Meldung und sagt Ihnen, was daraus wurde.",
    "report.ask_network": "Welches Netzwerk betrifft Ihre Meldung? Schreiben Sie seinen Namen – oder tippen Sie auf "
                          "„Neues Netzwerk“, wenn es bei uns noch fehlt. „abbrechen“ bricht ab.",
    "report.which_network": "Welches Netzwerk meinen Sie?",
    "report.network_unknown": "Ein Netzwerk „{name}“ kenne ich nicht. Fehlt es bei uns? Dann tippen Sie auf „Als neues "
                              "Netzwerk melden“ – oder schreiben Sie den Namen noch einmal anders.",
    "report.ask_name": "Wie heißt das Netzwerk, das bei uns fehlt?",
    "report.ask_place": "Wo ist „{name}“ tätig? Schreiben Sie einen Ort, einen Kreis oder eine Postleitzahl.",
    "report.which_place": "Welchen Ort meinen Sie?",
    "report.place_unknown": "Diesen Ort kenne ich nicht; ich übernehme Ihre Angabe so.",
    "report.ask_what": "Was ist bei „{name}“ falsch, veraltet oder fehlt? Beschreiben Sie es in einer Nachricht "
                       "(höchstens {limit} Zeichen).",
    "report.ask_what_new": "Was sollten wir über „{name}“ wissen – Träger, Themen, Website? Kurz in einer Nachricht "
                           "(höchstens {limit} Zeichen).",
    "report.ask_source": "Haben Sie eine Quelle, etwa die Website des Netzwerks? Senden Sie den Link (https://…) – "
                         "oder tippen Sie auf „Ohne Quelle“.",
    "report.bad_source": "Das sieht nicht wie ein Link aus (http:// oder https://, höchstens {limit} Zeichen). Senden "
                         "Sie ihn noch einmal – oder tippen Sie auf „Ohne Quelle“.",
    "report.summary": "Bitte prüfen Sie Ihre Meldung:",
    "report.network": "Netzwerk: ",
    "report.new_network": "Neues Netzwerk: ",
    "report.place": "Ort: ",
    "report.body": "Meldung: ",
    "report.source": "Quelle: ",
    "report.no_source": "keine",
    "report.confirm": "Senden? Tippen Sie auf „Senden“ (oder schreiben Sie „ja“); „abbrechen“ verwirft die Meldung.",
    "report.confirm_again": "Bitte bestätigen Sie mit „Senden“ bzw. „ja“ – oder schreiben Sie „abbrechen“.",
    "report.sent": "✅ Danke! Ihre Meldung #{id} ist eingegangen. Die Redaktion prüft sie; das Ergebnis schicke ich "
                   "Ihnen hier.",
    "report.too_many_open": "Sie haben schon {count} offene Meldungen. Bitte warten Sie, bis die Redaktion sie "
                            "geprüft hat.",
    "report.too_many_today": "Sie haben in den letzten 24 Stunden schon {count} Meldungen geschickt – danke! Weitere "
                             "bitte morgen.",
    # -- admins ------------------------------------------------------------------------------------------
    "btn.accept": "✅ übernehmen",
    "btn.reject": "❌ ablehnen",
    "btn.ask": "💬 nachfragen",
    "btn.accept_short": "✅ #{id}",
    "btn.reject_short": "❌ #{id}",
    "btn.ask_short": "💬 #{id}",
    "btn.profile": "ℹ️ Profil",
    "admin.new_report": "📝 Neue Meldung #{id}",
    "admin.open_count": " (offen: {count})",
    "admin.existing": "Netzwerk: {name} ({id})",
    "admin.new": "Neues Netzwerk: {name}",
    "admin.place": "Ort: {place}",
    "admin.body": "Meldung: {body}",
    "admin.source": "Quelle (Domain {domain}): {url}",
    "admin.no_source": "Quelle: keine",
    "admin.note_admin": "💬 Rückfrage: {text}",
    "admin.note_reporter": "↩️ Antwort: {text}",
    "admin.reporter_gone": "Melder nicht mehr erreichbar (Verknüpfung gelöscht).",
    "admin.list_title": "Offene Meldungen: {count}",
    "admin.list_none": "Keine offenen Meldungen.",
    "admin.list_more": "… und {count} weitere (alle: netzwerkbot reports list).",
    "admin.list_hint": "Übernommene Meldungen werden mit „netzwerkbot reports export“ zur Importdatei.",
    "admin.accepted": "✅ Meldung #{id} übernommen.",
    "admin.rejected": "❌ Meldung #{id} abgelehnt.",
    "admin.told": "Der Melder wird benachrichtigt.",
    "admin.not_told": "Der Melder ist nicht mehr erreichbar.",
    "admin.gone": "Meldung #{id} gibt es nicht (mehr), oder sie ist schon entschieden.",
    "admin.ask_question": "Ihre Rückfrage zu Meldung #{id}: schreiben Sie sie in Ihrer nächsten Nachricht "
                          "(„abbrechen“ bricht ab).",
    "admin.question_sent": "💬 Rückfrage zu Meldung #{id} weitergeleitet.",
    "admin.reply": "↩️ Antwort des Melders zu Meldung #{id}:",
    "admin.news_queued": "Neuigkeiten für {count} Abonnent(en) werden verschickt.",
    # -- reporters ---------------------------------------------------------------------------------------
    "btn.reply": "💬 Antworten",
    "reporter.accepted": "✅ Ihre Meldung #{id} zu „{name}“ wurde übernommen – danke! Die Änderung erscheint mit der "
                         "nächsten Aktualisierung der Daten.",
    "reporter.rejected": "Ihre Meldung #{id} zu „{name}“ haben wir geprüft und nicht übernommen. Danke trotzdem für "
                         "den Hinweis!",
    "reporter.question": "💬 Rückfrage der Redaktion zu Ihrer Meldung #{id} („{name}“):",
    "reporter.question_hint": "Tippen Sie auf „Antworten“, um zu antworten.",
    "reporter.ask_reply": "Ihre Antwort zu Meldung #{id}? Schreiben Sie sie in Ihrer nächsten Nachricht "
                          "(„abbrechen“ bricht ab).",
    "reporter.reply_sent": "Danke – Ihre Antwort ist bei der Redaktion.",
    "reporter.not_yours": "Diese Rückfrage ist nicht (mehr) offen.",
    # -- ratings -----------------------------------------------------------------------------------------
    "btn.up": "👍",
    "btn.down": "👎",
    "btn.no_comment": "Kein Kommentar",
    "rating.thanks": "Danke!",
    "rating.ask_comment": "Danke! Was hat gefehlt? Ihre nächste Nachricht speichere ich als anonymen Hinweis (ohne "
                          "Ihren Namen, ohne Ihre Frage) – oder tippen Sie auf „Kein Kommentar“.",
    "rating.comment_saved": "Danke – Ihr Hinweis ist notiert.",
    "rating.no_comment": "Alles klar – danke für die Bewertung.",
    "rating.failed": "Bewertung gerade nicht möglich.",
    # -- home place --------------------------------------------------------------------------------------
    "btn.clear_home": "🗑 Heimatort löschen",
    "btn.nearby_home": "📍 Netzwerke in der Nähe",
    "home.saved": "📍 Ihr Heimatort ist jetzt {name}.",
    "home.saved_hint": "„in meiner Nähe“, /naehe ohne Ort und „hier“ suchen ab jetzt dort. Ändern: /heimat <PLZ oder "
                       "Ort>; löschen: /heimat und „Heimatort löschen“.",
    "home.show": "📍 Ihr Heimatort: {name}",
    "home.show_hint": "Ändern: /heimat <PLZ oder Ort> – oder teilen Sie jetzt Ihren Standort.",
    "home.none": "Sie haben noch keinen Heimatort gespeichert. Schreiben Sie eine Postleitzahl oder einen Ort "
                 "(z. B. „37073“) – oder teilen Sie Ihren Standort.",
    "home.cleared": "Ihr Heimatort ist gelöscht.",
    "home.cleared_abo": "Ihr Heimatort ist gelöscht und Ihr Abo beendet.",
    "home.nothing": "Es war kein Heimatort gespeichert.",
    "home.unknown_place": "Diesen Ort kenne ich nicht. Versuchen Sie eine Postleitzahl, z. B. /heimat 37073.",
    "home.too_large": "Bitte nennen Sie einen Ort, einen Kreis oder eine Postleitzahl – ein Bundesland ist für „in "
                      "meiner Nähe“ zu groß.",
    "home.outside": "Dieser Standort liegt außerhalb Deutschlands; ich kenne nur Netzwerke in Deutschland.",
    "home.which": "Welchen Ort meinen Sie?",
    "home.point": "Ihr Standort (auf etwa 1 km gerundet)",
    "home.note": "📍 Ab Ihrem Heimatort {name} (ändern: /heimat)",
    "home.hint": "Tipp: Mit /heimat und Ihrer Postleitzahl merke ich mir Ihren Ort; dann genügt „in meiner Nähe“.",
    "home.lookup_failed": "(Ihr Heimatort ist gerade nicht abrufbar.)",
    # -- subscription ------------------------------------------------------------------------------------
    "btn.subscribe": "🔔 Abo starten",
    "btn.unsubscribe": "🔕 Abo beenden",
    "abo.need_home": "Für das Abo brauche ich Ihren Heimatort: erst /heimat <PLZ oder Ort>, dann /abo.",
    "abo.started": "🔔 Abo gestartet: Ich schreibe Ihnen, wenn im Umkreis von {km} km um {name} ein Netzwerk neu "
                   "eingetragen oder ausgezeichnet wird, und wenn ein neues Preisjahr dazukommt.",
    "abo.started_hint": "Anzeigen und beenden: /abo.",
    "abo.show": "🔔 Ihr Abo: Neuigkeiten im Umkreis von {km} km um {name}, seit {since}.",
    "abo.ended": "🔕 Abo beendet. Neu starten: /abo.",
    "abo.none": "Sie haben kein Abo. Starten: /abo.",
    # -- news --------------------------------------------------------------------------------------------
    "news.title": "🔔 Neu in Ihrer Region (bis {km} km um {name})",
    "news.title_years": "🔔 Neues vom netzwerkbot",
    "news.networks": "Neu eingetragen:",
    "news.awards": "Neu ausgezeichnet:",
    "news.year": "🏆 Neues Preisjahr {year} – alle Preisträger: /award {year}",
    "news.footer": "Sie bekommen diese Nachricht, weil Sie /abo bestellt haben. Beenden: /abo.",
    "btn.award_year": "🏆 Preisjahr {year}",
    # -- forget ------------------------------------------------------------------------------------------
    "forget.done": "🗑 Erledigt – gelöscht: {items}.",
    "forget.nothing": "🗑 Erledigt – über Sie war nichts gespeichert.",
    "forget.home": "Ihr Heimatort",
    "forget.abo": "Ihr Abo",
    "forget.reports": "Ihre Verknüpfung zu {count} Meldung(en) (der Meldungstext bleibt ohne Bezug zu Ihnen)",
    "forget.flow": "Ihre angefangene Eingabe",
    "forget.failed": "⚠️ Ihre Daten konnten gerade nicht gelöscht werden (technische Störung). Bitte versuchen Sie es "
                     "in ein paar Minuten noch einmal mit /vergessen.",
    # -- help, privacy, stats ----------------------------------------------------------------------------
    "help.more": "Mitmachen: /heimat merkt sich Ihren Ort, /abo meldet Neues in Ihrer Region, /melden schickt uns "
                 "eine Korrektur oder ein fehlendes Netzwerk. Was gespeichert wird: /datenschutz.",
    "privacy.title": "Datenschutz",
    "privacy.answers": "Fragen und geteilte Standorte verarbeitet der Bot nur für die eine Antwort; Nachrichtentexte "
                       "werden nicht protokolliert. Für Betrieb und Missbrauchsschutz zählt er kurzzeitig im "
                       "Arbeitsspeicher, wie viele Nachrichten eine Telegram-Nutzer-ID pro Minute sendet, und führt "
                       "anonyme Zähler (Anfragen je Art).",
    "privacy.conversation": "Damit Rückfragen wie „Kontakt dazu“, „und in Thüringen?“ oder „weiter“ funktionieren, "
                            "merkt er sich je Chat die letzte Frage und was er darauf gezeigt hat (Ort, Thema, Jahr, "
                            "Netzwerk, Listenseite; nach einer Rückfrage wie „Welches Netzwerk meinen Sie?“ auch Ihre "
                            "Frage selbst) – nur im Arbeitsspeicher, nie auf der Festplatte, und höchstens 30 Minuten "
                            "nach Ihrer letzten Nachricht; ein Neustart löscht es ebenfalls.",
    "privacy.stored": "Gespeichert wird nur, was Sie selbst anlegen – in einer eigenen Datei, getrennt von den "
                      "Netzwerkdaten:",
    "privacy.home": "• Heimatort (/heimat): Ort oder PLZ, bzw. Ihr Standort auf etwa 1 km gerundet, mit Ihrer "
                    "Telegram-ID – bis Sie ihn löschen; ohne Abo nach 12 Monaten ohne Nutzung automatisch.",
    "privacy.abo": "• Abo (/abo): Ihre Telegram-ID – bis Sie es beenden, /vergessen schreiben, den Heimatort löschen "
                   "oder den Bot blockieren.",
    "privacy.reports": "• Meldungen (/melden): Ihr Text, das Netzwerk und die Quelle. Ihre Telegram-ID nur, solange "
                       "die Meldung offen ist (höchstens 180 Tage), damit wir Ihnen das Ergebnis oder eine Rückfrage "
                       "schicken können. Entschiedene Meldungen löschen wir nach 12 Monaten.",
    "privacy.ratings": "• Bewertungen (👍/👎): nur Art der Frage, Art der Antwort, Bewertung und Datum – ohne "
                       "Telegram-ID und ohne Ihre Frage; ein freiwilliger Hinweis nach 👎 ebenso. Gelöscht nach 12 "
                       "Monaten.",
    "privacy.flows": "• Angefangene Eingaben (eine Meldung, ein Hinweis) hält der Bot höchstens 30 Minuten im "
                     "Arbeitsspeicher.",
    "privacy.forget": "/vergessen löscht sofort alles, was über Sie gespeichert ist (Heimatort, Abo, Ihre Verknüpfung "
                      "zu Meldungen).",
    "privacy.telegram": "Telegram selbst verarbeitet Ihre Nachrichten nach seinen eigenen Bedingungen.",
    "stats.satisfaction": "Zufriedenheit (👍/👎 je Art)",
    "stats.none": "noch keine Bewertungen",
    "stats.comments": "Hinweise nach 👎: {count}",
    "stats.open_reports": "Offene Meldungen: {count}",
    "stats.subscribers": "Heimatorte: {homes}, Abos: {subscriptions}",
}


def tr(key: str, **values) -> str:
    """The text ``key``, filled with ``values``."""
    text = TEXTS[key]
    return text.format(**values) if values else text
