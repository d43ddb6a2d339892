"""Talkback (issue 13): users tell the bot what is wrong or missing, rate answers, keep a home place and
subscribe to news of their region.

    texts.py      every user-facing text of these features (one table, German)
    userdb.py     the user-data database (its own SQLite file: WAL, busy timeout, migrations, retention)
    flows.py      dialogues in progress, per conversation, in memory (bounded, 30 minutes)
    phrases.py    the commands and phrasings these features recognise
    talkback.py   the features themselves, in front of the brain's ask/act/locate
    export.py     accepted reports as an import file (``netzwerkbot reports export``)

Nothing is imported here, so ``bot.answer`` may take its texts without pulling in the rest.
"""
