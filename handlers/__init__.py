"""Thin Telegram adapters around the Telegram-free brain in :mod:`bot`.

Every handler does the same three things: decide whether an update is meant for the bot, hand its
text / button data / location to the brain (``ask`` / ``act`` / ``locate``), and send what
:func:`bot.render.to_telegram` made of the answer. No SQL and no matching logic lives here, so the
console, the JSON CLI and Telegram always answer alike.

    app.py        building the Application, running it (polling or webhook), start-up checks
    commands.py   /start, /hilfe, /award, … (all passed verbatim to ``brain.ask``)
    messages.py   free text and shared locations; group-chat addressing rules
    callbacks.py  inline-keyboard presses (edit in place)
    inline.py     inline mode (``@bot Jena``)
    admin.py      /stats, /reload and /meldungen for settings.admins
    errors.py     the error handler
    send.py       sending / editing a rendered answer
    outbox.py     what the brain addresses to other people (admins, a reporter); news paced by the JobQueue
    ratelimit.py  per-user sliding-window limit
    request.py    the HTTP layer: PTB's HTTPXRequest with a bound on Bot API requests in flight
    common.py     small helpers shared by the handlers (brain, settings, counters)
    logsafety.py  the log filter that keeps the bot token out of every log line
"""
