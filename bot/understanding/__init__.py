"""Understanding: turn a chat message or a command into a :class:`Query`.

The order matters and follows what a misreading would cost:

1. commands (``/award 2013``) and their arguments;
2. exact things: postcodes, years, state names (exact alias match, longest first, so "Sachsen" is
   never Sachsen-Anhalt), district and town names from the gazetteer;
3. network names by word-weighted fuzzy matching (``bot.names``), which wins over a place only when
   the question says more than the place ("Fachkräfteallianz Leipzig" vs "Leipzig");
4. typo-tolerant state and town names, last, and only for words nothing else explained.

Close calls become ``clarify`` with choices instead of a guess. A few rules keep the readings apart:

* a typo'd intent word is read as the word it misspells ("Kontackt" -> "kontakt"), and a few English
  city names as the German ones ("Munich" -> "München"), before anything else;
* a state name inside a longer place name is the place ("Brandenburg an der Havel"), and a typo'd
  multi-word state is found before its first word is read as another state ("Sachsen Anhald");
* a network name made only of place words wins over the places only when the question is that name
  ("Hamburger Fachkräftenetzwerk", "Thüringer Bogen"), never for a bare place ("Leipzig");
* a topic word wins over a network whose name merely contains it ("Pflege", "Glas") unless the
  whole name was typed ("Netzwerk Glas");
* when several networks explain every word of the question, we ask which one is meant.

The parts, one module each: ``lexicon`` (the words), ``signals`` (what a message names), ``places``,
``topics`` and ``networks`` (finding and deciding each kind of thing), ``regions`` (a place as a query),
``rules`` (the decision for free text), ``scope`` (programme questions, region groups, places abroad,
questions off the topic), ``parts`` (questions with two parts), ``followup`` (completing
a message from the conversation's last turn) and ``commands`` (slash commands). ``Understanding`` joins
them: commands first; then a follow-up if the message refers to the last turn; else the standalone rules.
"""

from __future__ import annotations

from ..catalog import Catalog
from ..gazetteer import Gazetteer
from ..i18n import _
from ..models import Query, Region
from ..names import NameMatcher
from ..store import Store
from ..textnorm import clean
from .commands import CommandsMixin
from .followup import FollowUpMixin
from .lexicon import COMMAND, COMMAND_ALIASES, MAX_CHARS
from .networks import NetworksMixin
from .parts import PartsMixin
from .places import PlacesMixin
from .regions import RegionsMixin
from .rules import RulesMixin
from .scope import ScopeMixin
from .signals import Signals, SignalsMixin, Span, typo_close
from .topics import TopicsMixin

__all__ = ["COMMAND_ALIASES", "MAX_CHARS", "Signals", "Span", "Understanding", "typo_close"]


class Understanding(CommandsMixin, FollowUpMixin, RulesMixin, ScopeMixin, PartsMixin, RegionsMixin, NetworksMixin,
                    TopicsMixin, PlacesMixin, SignalsMixin):
    """Text -> :class:`Query`. One object per open store; its tables are built once in ``__init__``."""

    def __init__(self, store: Store, gazetteer: Gazetteer, catalog: Catalog, names: NameMatcher):
        self.store = store
        self.gazetteer = gazetteer
        self.catalog = catalog
        self.names = names
        self._init_places()
        self._init_topics()
        self._init_networks()
        self._init_signals()
        self._init_scope()

    # -- entry points ------------------------------------------------------------------------------
    def understand(self, text: str, state=None) -> Query:
        """``text`` as a query; ``state`` (a :class:`bot.conversation.State`) is the conversation's last
        turn, which a follow-up ("und in Thüringen?") is completed from."""
        text = clean(text)
        notes = []
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
            notes.append(_("Ihre Nachricht war sehr lang; ich habe nur die ersten {n} Zeichen gelesen.").format(
                n=MAX_CHARS))
        if not text:
            return Query(intent="help", text=text, info="empty", notes=notes)
        match = COMMAND.match(text)
        if match:
            query = self._command(match.group(1), (match.group(2) or "").strip(), text)
        else:
            sig = self.analyse(text)
            query = self._follow_up(text, sig, state) or self._free(text, sig)
        query.notes = notes + query.notes
        return query

    def from_location(self, lat: float, lon: float) -> Query:
        return Query(intent="nearby", region=Region("point", "Ihr Standort", lat=round(lat, 4), lon=round(lon, 4)))
