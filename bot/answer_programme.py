"""Answers about the programme and about what the bot does not know (a part of ``bot.answer.Answerer``).

Programme questions get the sourced text of ``data/faq.yaml`` with its sources; three are computed from the
data as well: how many networks the database holds, which networks were awarded more than once, and the
applications of one award year. Questions off the topic and places abroad get a short, friendly "das weiß
ich nicht" with a way on: the networks of a German place the question named, or across the border.
"""

from __future__ import annotations

from . import actions, i18n
from .faq import Knowledge
from .i18n import N_, _, ngettext, number
from .models import Answer, Button, Query, b, i, t

EXAMPLE_BUTTONS = [(N_("Netzwerke in Sachsen"), "s:SN"), (N_("Preisträger 2013"), "a:2013")]


def _english() -> bool:
    return i18n.current() == "en"


class ProgrammeAnswers:
    knowledge: Knowledge

    def _faq_answer(self, query: Query) -> Answer:
        faq_id = (query.info or "").removeprefix("faq:")
        answer = Answer("info")
        answer.faq = faq_id
        if faq_id == "mehrfach-gewonnen":
            return self._awarded_more_than_once(answer)
        entry = self.knowledge.faq.get(faq_id)
        if faq_id == "bewerbungen-pro-jahr" and query.year is not None:
            return self._applications_of(answer, query.year, entry)
        if entry is None:
            return self._unknown(Query(intent="unknown"))
        text = entry.answer_en if _english() and entry.answer_en else entry.answer  # the data's own English text
        if "{count}" in text or "{states}" in text:
            counts = self.store.counts()
            states = sum(1 for n in self.store.counts_per_state().values() if n)
            text = text.replace("{count}", str(counts["networks"])).replace("{states}", str(states))
        answer.add(text)
        if entry.sources:
            answer.add(i(_("Quellen: {sources}").format(sources=self._source_hosts(list(entry.sources)))))
        if faq_id == "wie-viele-netzwerke":
            answer.buttons.append([Button(_("Alle Netzwerke"), "s:DE"), Button(_("Nach Bundesland"), "s:SN")])
        elif faq_id in ("wer-vergibt-preis", "bewerben", "innovationsbuero"):
            answer.buttons.append([Button(_("Alle Preisjahre"), actions.award(None))])
        else:
            answer.buttons.append([Button(_(label), action) for label, action in EXAMPLE_BUTTONS])
        return answer

    def _awarded_more_than_once(self, answer: Answer) -> Answer:
        """"Welche Netzwerke haben zweimal gewonnen?", "Wer hat am häufigsten gewonnen?" – from the awards."""
        years: dict[str, set[int]] = {}
        for event in self.store.award_events():
            for nid in event["winner_ids"]:
                years.setdefault(nid, set()).add(event["year"])
        repeated = sorted(((nid, sorted(ys)) for nid, ys in years.items() if len(ys) > 1),
                          key=lambda item: (-len(item[1]), item[1]))
        summaries = {s.id: s for s in self.store.summaries_by_ids([nid for nid, _ys in repeated])}
        if not repeated:
            answer.add(_("In unseren Daten hat kein Netzwerk in mehr als einem Jahr eine Auszeichnung erhalten."))
        else:
            most = len(repeated[0][1])
            answer.add(b(ngettext("In mehr als einem Jahr ausgezeichnet: {n} Netzwerk",
                                  "In mehr als einem Jahr ausgezeichnet: {n} Netzwerke", len(repeated)).format(
                n=number(len(repeated)))),
                       t(_(" (höchstens {n}-mal).").format(n=most) if most > 2 else "."))
            for n, (nid, ys) in enumerate(repeated, start=1):
                net = summaries.get(nid)
                if net is not None:
                    answer.add(t(f"{n}. "), b(net.name), t(" – " + ", ".join(str(y) for y in ys)))
                    answer.buttons.append([Button(self._button_label(f"{n}. {net.name}"), actions.profile(nid))])
            answer.networks, answer.total = [summaries[nid] for nid, _ys in repeated if nid in summaries], len(repeated)
        answer.add(i(_("Gezählt sind die Jahre mit BMAS-Auszeichnung „Innovatives Netzwerk“ (auch die Auszeichnung "
                       "der Netzwerkkoordination 2017). Nicht alle Preisträger sind namentlich bekannt.")))
        answer.buttons.append([Button(_("Alle Preisjahre"), actions.award(None))])
        return answer

    def _applications_of(self, answer: Answer, year: int, entry) -> Answer:
        """"Wie viele Bewerbungen gab es 2014?": the number where a source gives one, else "nicht bekannt"."""
        answer.year = year
        row = self.knowledge.per_year.get(year)

        def field(name: str):  # the data's English text in an English answer, where it has one
            return (row.get(f"{name}_en") if _english() else None) or row.get(name)

        if row is None or row.get("applications") is None:
            answer.add(b(_("Für {year} ist uns keine Zahl der Bewerbungen bekannt.").format(year=year)))
            if row and field("note"):
                answer.add(" ".join(str(field("note")).split()))
        else:
            scope = f" ({field('scope')})" if row.get("scope") else ""
            applications = field("applications_text") or number(row["applications"])
            answer.add(b(_("{year}: {n} Bewerbungen").format(year=year, n=applications)), t(scope + "."))
            if field("note"):
                answer.add(" ".join(str(field("note")).split()))
        if row and row.get("sources"):
            answer.add(i(_("Quellen: {sources}").format(sources=self._source_hosts(list(row["sources"])))))
        answer.buttons.append([Button(_("Preisträger {year}").format(year=year), actions.award(year)),
                               Button(_("Alle Preisjahre"), "a:")])
        return answer

    # -- what the bot does not know --------------------------------------------------------------------
    def _out_of_scope(self, query: Query) -> Answer:
        answer = Answer("unknown", region=query.region)
        answer.scope = query.scope
        place = query.region
        if query.scope == "country":
            name = self.knowledge.abroad_name((query.info or "").removeprefix("abroad:"), i18n.current())
            answer.add(b(_("Ich kenne nur Netzwerke in Deutschland.")))
            answer.add(_("„{place}“ liegt außerhalb Deutschlands – die regionalen Netzwerke zur Fachkräftesicherung, "
                         "die ich kenne, arbeiten in den 16 Bundesländern.").format(place=name))
            if place is not None:
                answer.add(_("Auf der deutschen Seite der Grenze finden Sie Netzwerke z. B. rund um {place}.").format(
                    place=place.name))
                action = actions.for_query(Query(intent="nearby", region=place), 0)
                if action:
                    answer.buttons.append([Button(self._button_label(_("Netzwerke nahe {place}").format(
                        place=place.name)), action)])
            if query.other_parts:
                answer.add(i(_("Oder meinten Sie den Ort in Deutschland?")))
                answer.buttons.append([Button(self._button_label(self.catalog.place_label(c.label)), c.action)
                                       for c in query.other_parts[:2]])
                query.other_parts = []  # offered here, with the right words
            return answer
        answer.add(b(_("Das weiß ich leider nicht.")))
        answer.add(_("Ich kenne regionale Netzwerke zur Fachkräftesicherung: wo es sie gibt, was sie tun, welche "
                     "ausgezeichnet wurden und wie Sie sie erreichen."))
        if query.info == "off_topic:funding":
            answer.add(_("Zu Förderprogrammen beraten z. B. Ihre Kammer (IHK, Handwerkskammer) oder die Agentur für "
                         "Arbeit vor Ort – und die Netzwerke in Ihrer Region kennen die Ansprechpartner."))
        action = actions.for_query(Query(intent="region", region=place), 0) if place is not None else None
        if action:
            shown = self.catalog.state_name(place.name) if place.kind == "state" else place.name
            answer.buttons.append([Button(self._button_label(_("Netzwerke in {place}").format(place=shown)), action)])
        else:
            answer.buttons.append([Button(_(label), action) for label, action in EXAMPLE_BUTTONS])
        return answer
