"""Every user-facing text of the talkback features, in one place.

Keys name the texts; values are ``str.format`` templates, German, marked for the message catalogue with
``N_`` (``bot.i18n``): :func:`tr` translates a text into the answer's language and fills it in. Texts with a
count are plural pairs for :func:`trn` (``ngettext``). Nothing here is HTML: answers are documents of
spans (``bot.models``) and the renderer escapes them, so a ``{name}`` filled from user input can never
become markup. A missing key is a bug and raises.
"""

from __future__ import annotations

from typing import Callable

from ..i18n import N_, _, ngettext, number

TEXTS: dict[str, str] = {
    # -- shared --------------------------------------------------------------------------------------
    "unavailable": N_("⚠️ {feature} ist gerade nicht verfügbar (technische Störung). Ihre Fragen nach Netzwerken "
                      "beantworte ich weiter – bitte versuchen Sie es später noch einmal."),
    "feature.reports": N_("Das Melden"),
    "feature.ratings": N_("Die Bewertung"),
    "feature.home": N_("Der Heimatort"),
    "feature.abo": N_("Das Abo"),
    "feature.forget": N_("Das Löschen Ihrer Daten"),
    "feature.admin": N_("Die Meldungsverwaltung"),
    "only_in_chat": N_("Das geht nur im Chat mit dem Bot (Telegram oder „netzwerkbot chat“): dort {command} schreiben."),
    "expired": N_("Diese Eingabe ist abgelaufen (nach 30 Minuten ohne Antwort) – beginnen Sie einfach neu."),
    "cancelled": N_("Abgebrochen – nichts gespeichert."),
    "flow_dropped": N_("(Ihre angefangene Eingabe habe ich verworfen.)"),
    "cut": N_(" (gekürzt auf {limit} Zeichen)"),
    "only_admins": N_("Dieser Befehl ist nur für Administratoren des Bots verfügbar."),
    "btn.cancel": N_("❌ Abbrechen"),
    # -- reports ---------------------------------------------------------------------------------------
    "btn.report": N_("✏️ Fehler melden"),
    "btn.new_network": N_("🆕 Neues Netzwerk"),
    "btn.as_new": N_("🆕 Als neues Netzwerk melden"),
    "btn.send": N_("✅ Senden"),
    "btn.no_source": N_("Ohne Quelle"),
    "report.title": N_("Meldung an die Redaktion"),
    "report.faq_hint": N_("Die Knöpfe unten führen direkt zur Meldung; Sie erfahren dann, was daraus wurde."),
    "report.ask_network": N_("Welches Netzwerk betrifft Ihre Meldung? Schreiben Sie seinen Namen – oder tippen Sie auf "
                             "„Neues Netzwerk“, wenn es bei uns noch fehlt. „abbrechen“ bricht ab."),
    "report.which_network": N_("Welches Netzwerk meinen Sie?"),
    "report.network_unknown": N_("Ein Netzwerk „{name}“ kenne ich nicht. Fehlt es bei uns? Dann tippen Sie auf „Als neues "
                                 "Netzwerk melden“ – oder schreiben Sie den Namen noch einmal anders."),
    "report.ask_name": N_("Wie heißt das Netzwerk, das bei uns fehlt?"),
    "report.ask_place": N_("Wo ist „{name}“ tätig? Schreiben Sie einen Ort, einen Kreis oder eine Postleitzahl."),
    "report.which_place": N_("Welchen Ort meinen Sie?"),
    "report.place_unknown": N_("Diesen Ort kenne ich nicht; ich übernehme Ihre Angabe so."),
    "report.ask_what": N_("Was ist bei „{name}“ falsch, veraltet oder fehlt? Beschreiben Sie es in einer Nachricht "
                          "(höchstens {limit} Zeichen)."),
    "report.ask_what_new": N_("Was sollten wir über „{name}“ wissen – Träger, Themen, Website? Kurz in einer Nachricht "
                              "(höchstens {limit} Zeichen)."),
    "report.ask_source": N_("Haben Sie eine Quelle, etwa die Website des Netzwerks? Senden Sie den Link (https://…) – "
                            "oder tippen Sie auf „Ohne Quelle“."),
    "report.bad_source": N_("Das sieht nicht wie ein Link aus (http:// oder https://, höchstens {limit} Zeichen). Senden "
                            "Sie ihn noch einmal – oder tippen Sie auf „Ohne Quelle“."),
    "report.summary": N_("Bitte prüfen Sie Ihre Meldung:"),
    "report.network": N_("Netzwerk: "),
    "report.new_network": N_("Neues Netzwerk: "),
    "report.place": N_("Ort: "),
    "report.body": N_("Meldung: "),
    "report.source": N_("Quelle: "),
    "report.no_source": N_("keine"),
    "report.confirm": N_("Senden? Tippen Sie auf „Senden“ (oder schreiben Sie „ja“); „abbrechen“ verwirft die Meldung."),
    "report.confirm_again": N_("Bitte bestätigen Sie mit „Senden“ bzw. „ja“ – oder schreiben Sie „abbrechen“."),
    "report.sent": N_("✅ Danke! Ihre Meldung #{id} ist eingegangen. Die Redaktion prüft sie; das Ergebnis schicke ich "
                      "Ihnen hier."),
    # -- admins ------------------------------------------------------------------------------------------
    "btn.accept": N_("✅ übernehmen"),
    "btn.reject": N_("❌ ablehnen"),
    "btn.ask": N_("💬 nachfragen"),
    "btn.accept_short": N_("✅ #{id}"),
    "btn.reject_short": N_("❌ #{id}"),
    "btn.ask_short": N_("💬 #{id}"),
    "btn.profile": N_("ℹ️ Profil"),
    "admin.new_report": N_("📝 Neue Meldung #{id}"),
    "admin.open_count": N_(" (offen: {count})"),
    "admin.existing": N_("Netzwerk: {name} ({id})"),
    "admin.new": N_("Neues Netzwerk: {name}"),
    "admin.place": N_("Ort: {place}"),
    "admin.body": N_("Meldung: {body}"),
    "admin.source": N_("Quelle (Domain {domain}): {url}"),
    "admin.no_source": N_("Quelle: keine"),
    "admin.note_admin": N_("💬 Rückfrage: {text}"),
    "admin.note_reporter": N_("↩️ Antwort: {text}"),
    "admin.reporter_gone": N_("Melder nicht mehr erreichbar (Verknüpfung gelöscht)."),
    "admin.list_title": N_("Offene Meldungen: {count}"),
    "admin.list_none": N_("Keine offenen Meldungen."),
    "admin.list_more": N_("… und {count} weitere (alle: netzwerkbot reports list)."),
    "admin.list_hint": N_("Übernommene Meldungen werden mit „netzwerkbot reports export“ zur Importdatei."),
    "admin.accepted": N_("✅ Meldung #{id} übernommen."),
    "admin.rejected": N_("❌ Meldung #{id} abgelehnt."),
    "admin.told": N_("Der Melder wird benachrichtigt."),
    "admin.not_told": N_("Der Melder ist nicht mehr erreichbar."),
    "admin.gone": N_("Meldung #{id} gibt es nicht (mehr), oder sie ist schon entschieden."),
    "admin.ask_question": N_("Ihre Rückfrage zu Meldung #{id}: schreiben Sie sie in Ihrer nächsten Nachricht "
                             "(„abbrechen“ bricht ab)."),
    "admin.question_sent": N_("💬 Rückfrage zu Meldung #{id} weitergeleitet."),
    "admin.reply": N_("↩️ Antwort des Melders zu Meldung #{id}:"),
    # -- reporters ---------------------------------------------------------------------------------------
    "btn.reply": N_("💬 Antworten"),
    "reporter.accepted": N_("✅ Ihre Meldung #{id} zu „{name}“ wurde übernommen – danke! Die Änderung erscheint mit der "
                            "nächsten Aktualisierung der Daten."),
    "reporter.rejected": N_("Ihre Meldung #{id} zu „{name}“ haben wir geprüft und nicht übernommen. Danke trotzdem für "
                            "den Hinweis!"),
    "reporter.question": N_("💬 Rückfrage der Redaktion zu Ihrer Meldung #{id} („{name}“):"),
    "reporter.question_hint": N_("Tippen Sie auf „Antworten“, um zu antworten."),
    "reporter.ask_reply": N_("Ihre Antwort zu Meldung #{id}? Schreiben Sie sie in Ihrer nächsten Nachricht "
                             "(„abbrechen“ bricht ab)."),
    "reporter.reply_sent": N_("Danke – Ihre Antwort ist bei der Redaktion."),
    "reporter.not_yours": N_("Diese Rückfrage ist nicht (mehr) offen."),
    # -- ratings -----------------------------------------------------------------------------------------
    "btn.up": N_("👍"),
    "btn.down": N_("👎"),
    "btn.no_comment": N_("Kein Kommentar"),
    "rating.thanks": N_("Danke!"),
    "rating.ask_comment": N_("Danke! Was hat gefehlt? Ihre nächste Nachricht speichere ich als anonymen Hinweis (ohne "
                             "Ihren Namen, ohne Ihre Frage) – oder tippen Sie auf „Kein Kommentar“."),
    "rating.comment_saved": N_("Danke – Ihr Hinweis ist notiert."),
    "rating.no_comment": N_("Alles klar – danke für die Bewertung."),
    "rating.failed": N_("Bewertung gerade nicht möglich."),
    # -- home place --------------------------------------------------------------------------------------
    "btn.clear_home": N_("🗑 Heimatort löschen"),
    "btn.nearby_home": N_("📍 Netzwerke in der Nähe"),
    "home.saved": N_("📍 Ihr Heimatort ist jetzt {name}."),
    "home.saved_hint": N_("„in meiner Nähe“, /naehe ohne Ort und „hier“ suchen ab jetzt dort. Ändern: /heimat <PLZ oder "
                          "Ort>; löschen: /heimat und „Heimatort löschen“."),
    "home.show": N_("📍 Ihr Heimatort: {name}"),
    "home.show_hint": N_("Ändern: /heimat <PLZ oder Ort> – oder teilen Sie jetzt Ihren Standort."),
    "home.none": N_("Sie haben noch keinen Heimatort gespeichert. Schreiben Sie eine Postleitzahl oder einen Ort "
                    "(z. B. „37073“) – oder teilen Sie Ihren Standort."),
    "home.cleared": N_("Ihr Heimatort ist gelöscht."),
    "home.cleared_abo": N_("Ihr Heimatort ist gelöscht und Ihr Abo beendet."),
    "home.nothing": N_("Es war kein Heimatort gespeichert."),
    "home.unknown_place": N_("Diesen Ort kenne ich nicht. Versuchen Sie eine Postleitzahl, z. B. /heimat 37073."),
    "home.too_large": N_("Bitte nennen Sie einen Ort, einen Kreis oder eine Postleitzahl – ein Bundesland ist für „in "
                         "meiner Nähe“ zu groß."),
    "home.outside": N_("Dieser Standort liegt außerhalb Deutschlands; ich kenne nur Netzwerke in Deutschland."),
    "home.which": N_("Welchen Ort meinen Sie?"),
    "home.point": N_("Ihr Standort (auf etwa 1 km gerundet)"),
    "home.note": N_("📍 Ab Ihrem Heimatort {name} (ändern: /heimat)"),
    "home.hint": N_("Tipp: Mit /heimat und Ihrer Postleitzahl merke ich mir Ihren Ort; dann genügt „in meiner Nähe“."),
    "home.lookup_failed": N_("(Ihr Heimatort ist gerade nicht abrufbar.)"),
    # -- subscription ------------------------------------------------------------------------------------
    "btn.subscribe": N_("🔔 Abo starten"),
    "btn.unsubscribe": N_("🔕 Abo beenden"),
    "abo.need_home": N_("Für das Abo brauche ich Ihren Heimatort: erst /heimat <PLZ oder Ort>, dann /abo."),
    "abo.started": N_("🔔 Abo gestartet: Ich schreibe Ihnen, wenn im Umkreis von {km} km um {name} ein Netzwerk neu "
                      "eingetragen oder ausgezeichnet wird, und wenn ein neues Preisjahr dazukommt."),
    "abo.started_hint": N_("Anzeigen und beenden: /abo."),
    "abo.show": N_("🔔 Ihr Abo: Neuigkeiten im Umkreis von {km} km um {name}, seit {since}."),
    "abo.ended": N_("🔕 Abo beendet. Neu starten: /abo."),
    "abo.none": N_("Sie haben kein Abo. Starten: /abo."),
    # -- news --------------------------------------------------------------------------------------------
    "news.title": N_("🔔 Neu in Ihrer Region (bis {km} km um {name})"),
    "news.title_years": N_("🔔 Neues vom netzwerkbot"),
    "news.networks": N_("Neu eingetragen:"),
    "news.awards": N_("Neu ausgezeichnet:"),
    "news.year": N_("🏆 Neues Preisjahr {year} – alle Preisträger: /award {year}"),
    "news.footer": N_("Sie bekommen diese Nachricht, weil Sie /abo bestellt haben. Beenden: /abo."),
    "btn.award_year": N_("🏆 Preisjahr {year}"),
    # -- forget ------------------------------------------------------------------------------------------
    "forget.done": N_("🗑 Erledigt – gelöscht: {items}."),
    "forget.nothing": N_("🗑 Erledigt – über Sie war nichts gespeichert."),
    "forget.home": N_("Ihr Heimatort"),
    "forget.abo": N_("Ihr Abo"),
    "forget.flow": N_("Ihre angefangene Eingabe"),
    "forget.failed": N_("⚠️ Ihre Daten konnten gerade nicht gelöscht werden (technische Störung). Bitte versuchen Sie es "
                        "in ein paar Minuten noch einmal mit /vergessen."),
    # -- help, privacy, stats ----------------------------------------------------------------------------
    "help.more": N_("Mitmachen: /heimat merkt sich Ihren Ort, /abo meldet Neues in Ihrer Region, /melden schickt uns "
                    "eine Korrektur oder ein fehlendes Netzwerk. Was gespeichert wird: /datenschutz."),
    "privacy.title": N_("Datenschutz"),
    "privacy.answers": N_("Fragen und geteilte Standorte verarbeitet der Bot nur für die eine Antwort; Nachrichtentexte "
                          "werden nicht protokolliert. Für Betrieb und Missbrauchsschutz zählt er kurzzeitig im "
                          "Arbeitsspeicher, wie viele Nachrichten eine Telegram-Nutzer-ID pro Minute sendet, und führt "
                          "anonyme Zähler (Anfragen je Art)."),
    "privacy.conversation": N_("Damit Rückfragen wie „Kontakt dazu“, „und in Thüringen?“ oder „weiter“ funktionieren, "
                               "merkt er sich je Chat die letzte Frage und was er darauf gezeigt hat (Ort, Thema, Jahr, "
                               "Netzwerk, Listenseite; nach einer Rückfrage wie „Welches Netzwerk meinen Sie?“ auch Ihre "
                               "Frage selbst) – nur im Arbeitsspeicher, nie auf der Festplatte, und höchstens 30 Minuten "
                               "nach Ihrer letzten Nachricht; ein Neustart löscht es ebenfalls."),
    "privacy.language": N_("Ihre Sprachwahl (/sprache) merkt er sich je Chat und die Sprache seiner letzten Antwort je "
                           "Nutzer – nur im Arbeitsspeicher; ein Neustart löscht beides."),
    "privacy.stored": N_("Gespeichert wird nur, was Sie selbst anlegen – in einer eigenen Datei, getrennt von den "
                         "Netzwerkdaten:"),
    "privacy.home": N_("• Heimatort (/heimat): Ort oder PLZ, bzw. Ihr Standort auf etwa 1 km gerundet, mit Ihrer "
                       "Telegram-ID – bis Sie ihn löschen; ohne Abo nach 12 Monaten ohne Nutzung automatisch."),
    "privacy.abo": N_("• Abo (/abo): Ihre Telegram-ID – bis Sie es beenden, /vergessen schreiben, den Heimatort löschen "
                      "oder den Bot blockieren."),
    "privacy.reports": N_("• Meldungen (/melden): Ihr Text, das Netzwerk und die Quelle. Ihre Telegram-ID nur, solange "
                          "die Meldung offen ist (höchstens 180 Tage), damit wir Ihnen das Ergebnis oder eine Rückfrage "
                          "schicken können. Entschiedene Meldungen löschen wir nach 12 Monaten."),
    "privacy.ratings": N_("• Bewertungen (👍/👎): nur Art der Frage, Art der Antwort, Bewertung und Datum – ohne "
                          "Telegram-ID und ohne Ihre Frage; ein freiwilliger Hinweis nach 👎 ebenso. Gelöscht nach 12 "
                          "Monaten."),
    "privacy.flows": N_("• Angefangene Eingaben (eine Meldung, ein Hinweis) hält der Bot höchstens 30 Minuten im "
                        "Arbeitsspeicher."),
    "privacy.forget": N_("/vergessen löscht sofort alles, was über Sie gespeichert ist (Heimatort, Abo, Ihre Verknüpfung "
                         "zu Meldungen)."),
    "privacy.telegram": N_("Telegram selbst verarbeitet Ihre Nachrichten nach seinen eigenen Bedingungen."),
    "stats.satisfaction": N_("Zufriedenheit (👍/👎 je Art)"),
    "stats.none": N_("noch keine Bewertungen"),
    "stats.comments": N_("Hinweise nach 👎: {count}"),
    "stats.open_reports": N_("Offene Meldungen: {count}"),
    "stats.subscribers": N_("Heimatorte: {homes}, Abos: {subscriptions}"),
}


# texts with a count: the singular or plural for ``n``, in the answer's language; filled with ``count`` and the rest
PLURALS: dict[str, Callable[[int], str]] = {
    "report.too_many_open": lambda n: ngettext(
        "Sie haben schon {count} offene Meldung. Bitte warten Sie, bis die Redaktion sie geprüft hat.",
        "Sie haben schon {count} offene Meldungen. Bitte warten Sie, bis die Redaktion sie geprüft hat.", n),
    "report.too_many_today": lambda n: ngettext(
        "Sie haben in den letzten 24 Stunden schon {count} Meldung geschickt – danke! Weitere bitte morgen.",
        "Sie haben in den letzten 24 Stunden schon {count} Meldungen geschickt – danke! Weitere bitte morgen.", n),
    "admin.news_queued": lambda n: ngettext("Neuigkeiten für {count} Abonnenten werden verschickt.",
                                            "Neuigkeiten für {count} Abonnenten werden verschickt.", n),
    "forget.reports": lambda n: ngettext(
        "Ihre Verknüpfung zu {count} Meldung (der Meldungstext bleibt ohne Bezug zu Ihnen)",
        "Ihre Verknüpfung zu {count} Meldungen (der Meldungstext bleibt ohne Bezug zu Ihnen)", n),
}


def tr(key: str, **values) -> str:
    """The text ``key`` in the answer's language, filled with ``values``."""
    text = _(TEXTS[key])
    return text.format(**values) if values else text


def trn(key: str, count: int, **values) -> str:
    """The text ``key`` for ``count`` (singular or plural) in the answer's language, filled in."""
    return PLURALS[key](count).format(count=number(count), **values)
