"""The ``netzwerkbot`` command: run the bot, talk to the brain in the console, maintain the database.

    netzwerkbot                  the bot on Telegram if TELEGRAM_BOT_TOKEN is set, else the console
    netzwerkbot run              the Telegram bot (polling, or webhook when WEBHOOK_URL is set)
    netzwerkbot ask "…"          one answer as text;  --json for the JSON schema;  "-" reads stdin lines
                                 (--dialog: the lines are turns of one conversation, "" starts a new one)
    netzwerkbot chat             interactive console; buttons become numbered choices
    netzwerkbot db build|import|export|check|stats
    netzwerkbot reports list|show ID|export   what users reported (the user-data database)
    netzwerkbot stats            ratings per intent, comments, homes and subscriptions
    netzwerkbot bench            run the benchmarks

    netzwerkbot db backup DIR [--keep N] | db restore FILE    copies of both databases while the bot runs
    netzwerkbot doctor           is this deployment healthy? one line per check, exit 1 on any failure

Every expected failure (bad setting, corrupt database, bad import file) prints one clear line to
stderr and exits non-zero; no traceback.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from .settings import Settings, SettingsError, configure_logging, load_settings

DEMO_QUESTIONS = ("Welche Netzwerke in Sachsen?", "/award 2013", "Gibt es was in der Nähe von 37073?",
                  "Kontakt Jenaer Allianz")


class CliError(Exception):
    """An expected failure: printed as one line, exit code 1 (or ``code``)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _brain(settings: Settings):
    from .brain import Brain

    return Brain.from_settings(settings)


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


CONSOLE = "console"  # the console's conversation and user (home place, reports, ratings work there too)


def _print_answer(answer) -> None:
    """An answer in the console: the press's toast, the text, then what would go to other people."""
    from .render import to_text

    if answer.toast:
        _print(f"({answer.toast})")
    if answer.paragraphs or answer.buttons:
        _print(to_text(answer))
    for notice in answer.outbox:
        _print(f"\n––– Nachricht an Nutzer {notice.user} –––\n{to_text(notice.answer, numbered=False)}")


# -- ask / chat ------------------------------------------------------------------------------------
def cmd_ask(settings: Settings, args) -> int:
    from .models import Caller
    from .render import to_json, to_text

    brain = _brain(settings)
    questions = [" ".join(args.text)] if args.text != ["-"] else None
    if args.dialog and questions is not None:
        raise CliError('--dialog liest die Gesprächszüge von stdin: netzwerkbot ask --json --dialog -')
    if questions is None:
        # --dialog: every line is one turn of one conversation; an empty line starts a new one
        conversation = 1
        for line in sys.stdin:
            line = line.rstrip("\n")
            if args.dialog and not line.strip():
                conversation += 1
                continue
            caller = Caller(conversation=f"dialog-{conversation}" if args.dialog else None, chosen_lang=args.lang)
            answer = brain.ask(line, caller=caller)
            _print(json.dumps(to_json(answer), ensure_ascii=False) if args.json else to_text(answer) + "\n")
        return 0
    answer = brain.ask(questions[0], caller=Caller(chosen_lang=args.lang))
    _print(json.dumps(to_json(answer), ensure_ascii=False, indent=None if args.compact else 2) if args.json
           else to_text(answer))
    return 0


def cmd_chat(settings: Settings, args, demo_if_not_tty: bool = False) -> int:
    from .models import Caller
    from .render import button_list, to_text

    brain = _brain(settings)
    caller = Caller(conversation=CONSOLE, user=CONSOLE, lang="de", chosen_lang=getattr(args, "lang", None))
    if demo_if_not_tty and not sys.stdin.isatty():
        _print("Kein TELEGRAM_BOT_TOKEN gesetzt – Konsolen-Demo mit den mitgelieferten Daten.\n")
        for question in DEMO_QUESTIONS:
            _print(f"> {question}\n{to_text(brain.ask(question))}\n")
        _print("Interaktiv: netzwerkbot chat · eine Frage: netzwerkbot ask \"…\" · Bot: TELEGRAM_BOT_TOKEN setzen "
               "und netzwerkbot run")
        return 0
    _print("netzwerkbot – Konsole. Fragen Sie z. B. „Welche Netzwerke in Sachsen?“. Zahl = Knopf wählen, "
           "„standort 51.5 9.9“ = Standort teilen, leere Zeile oder „ende“ = beenden.")
    answer = brain.ask("/start", caller=caller)
    _print(to_text(answer))
    while True:
        try:
            line = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            _print("")
            return 0
        if not line or line.lower() in ("ende", "exit", "quit", "q"):
            return 0
        options = button_list(answer)
        if line.isdigit() and 1 <= int(line) <= len(options):
            chosen = options[int(line) - 1]
            if chosen.url:
                _print(f"Link: {chosen.url}")
                continue
            pressed = brain.act(chosen.action or "", caller=caller)
            _print_answer(pressed)
            if pressed.paragraphs:
                answer = pressed
            continue
        elif line.lower().startswith("standort"):
            try:
                lat, lon = (float(x.replace(",", ".")) for x in line.split()[1:3])
            except ValueError:
                _print("Format: standort 51.54 9.94")
                continue
            answer = brain.locate(lat, lon, caller=caller)
        else:
            answer = brain.ask(line, caller=caller)
        _print_answer(answer)


# -- db --------------------------------------------------------------------------------------------
def _percent(part: float, whole: float = 1.0) -> str:
    """ "21,8 %" """
    return f"{100 * part / whole if whole else 0:.1f} %".replace(".", ",")


def cmd_db(settings: Settings, args) -> int:
    from .build import build_database
    from .catalog import Catalog
    from .importer import check_database, export_records, import_file
    from .records import ImportFormatError
    from .store import Store, ensure_database

    if args.db_command in ("backup", "restore"):
        return cmd_db_backup(settings, args)
    catalog = Catalog.load(settings.data_dir)
    if args.db_command == "build":
        if settings.db_path.exists() and not args.force:
            reason = ensure_database(settings.db_path, settings.data_dir, catalog)
            _print(f"{settings.db_path}: {reason or 'aktuell, nichts zu tun (--force baut trotzdem neu)'}")
            return 0
        try:
            report = build_database(settings.data_dir, settings.db_path, catalog)
        except PermissionError as exc:
            raise CliError(f"Kann {settings.db_path} nicht schreiben ({exc.strerror}).") from None
        _print(f"Gebaut: {settings.db_path} in {report.seconds:.2f} s, {report.size_bytes / 1e6:.1f} MB – "
               f"{report.networks} Netzwerke ({report.imported} importiert), {report.postcodes} PLZ, "
               f"{report.places} Orte")
        placed = ", ".join(f"{k}: {v}" for k, v in sorted(report.placed_by.items()))
        _print(f"Koordinaten nach: {placed}")
        if report.unplaced:
            _print(f"Ohne Ort (nur Bundesland bekannt, keine Entfernung möglich): {len(report.unplaced)}: "
                   + ", ".join(report.unplaced))
        return 0
    ensure_database(settings.db_path, settings.data_dir, catalog)
    if args.db_command == "import":
        path = Path(args.file)
        if not path.is_file():
            raise CliError(f"Datei nicht gefunden: {path}")
        try:
            result = import_file(settings.db_path, path, catalog, fmt=args.format, dry_run=args.dry_run)
        except ImportFormatError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(str(exc)) from None
        if result.problems:
            for problem in result.problems:
                sys.stderr.write(f"{path}: {problem}\n")
            raise CliError(f"Nichts importiert: {len(result.problems)} Fehler in {result.rows} Zeilen.", code=2)
        verb = "Geprüft (--dry-run, nichts geschrieben)" if result.dry_run else "Importiert"
        _print(f"{verb}: {result.rows} Zeilen – {len(result.added)} neu, {len(result.updated)} aktualisiert.")
        if not result.dry_run:
            _print("Ein laufender Bot übernimmt die Daten mit /reload (Admins) oder beim nächsten Start.")
        return 0
    if args.db_command == "export":
        text = export_records(settings.db_path, args.format)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            _print(f"Exportiert nach {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    if args.db_command == "check":
        problems = check_database(settings.db_path)
        for problem in problems:
            _print(problem)
        _print(f"{len(problems)} Auffälligkeit(en)." if problems else "Keine Probleme gefunden.")
        return 0
    if args.db_command == "stats":
        store = Store.open(settings.db_path, settings.data_dir, catalog)
        counts = store.counts()
        meta = store.meta()
        _print(f"Datenbank: {settings.db_path} (gebaut {meta.get('built_at')}, Daten Stand {meta.get('data_as_of')})")
        _print(f"Netzwerke: {counts['networks']} (davon importiert: {counts['imported']}, ohne Koordinaten: "
               f"{counts['without_coordinates']})")
        depth = store.data_depth()
        bases = ", ".join(f"{basis} {n}" for basis, n in depth["seat_basis"].items())
        _print(f"Mit Sitz: {depth['with_seat']} von {depth['networks']}" + (f" (Sitz nach: {bases})" if bases else ""))
        _print(f"Mit Anschrift oder Geschäftsstellen-Kontakt: {depth['with_contact']} "
               f"({_percent(depth['with_contact'], depth['networks'])}; mit Anschrift: {depth['with_address']})")
        from .coverage import measure

        coverage = measure(store)
        far = coverage.districts_beyond(50.0)
        _print(f"Abdeckung: PLZ mit einem Netzwerk bis 25 km: {_percent(coverage.share_within(25.0))}, "
               f"bis 50 km: {_percent(coverage.share_within(50.0))} (von {len(coverage.postcode_km)} PLZ); "
               f"Kreise ohne regionales Netzwerk bis 50 km: {len(far)} von {len(coverage.districts)} "
               f"(scripts/coverage.py listet sie)")
        per_state = store.counts_per_state()
        _print(f"Bundesländer mit Netzwerken: {sum(1 for v in per_state.values() if v)} von {len(per_state)}")
        for state, count in per_state.items():
            _print(f"  {state:<24} {count:>5}")
        _print("Preisjahre (Preisträger bekannt / gesamt):")
        for event in store.award_events():
            total = event["winners_total"] if event["winners_total"] is not None else "?"
            _print(f"  {event['year']} {event['award'][:60]:<60} {len(event['winner_ids']):>3} / {total}")
        _print(f"Postleitzahlen: {counts['postcodes']} · Orte: {counts['places']}")
        store.close()
        return 0
    raise CliError("Unbekannter db-Befehl")


# -- reports and stats (the user-data database) ---------------------------------------------------------
def _user_db_failure(exc) -> CliError:
    return CliError(f"Nutzerdaten nicht verfügbar: {exc}")


def _quiet_user_db() -> None:
    """The CLI reports a failing user database in its own one line; the bot's warning would repeat it."""
    import logging

    logging.getLogger("bot.feedback.userdb").setLevel(logging.ERROR)


def cmd_reports(settings: Settings, args) -> int:
    from .feedback.userdb import UserDataUnavailable, UserDB

    _quiet_user_db()
    if args.reports_command == "export":
        from .feedback.export import export_reports
        from .store import ensure_database

        ensure_database(settings.db_path, settings.data_dir)
        try:
            text, problems, ids = export_reports(settings.users_db, settings.db_path, settings.data_dir, args.format)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            for problem in problems:
                sys.stderr.write(f"Hinweis: {problem}\n")
            if args.mark_exported and ids:
                db = UserDB(settings.users_db)
                try:
                    marked = db.mark_exported(ids)
                finally:
                    db.close()
                sys.stderr.write(f"{marked} Meldung(en) als exportiert markiert.\n")
        except UserDataUnavailable as exc:
            raise _user_db_failure(exc) from None
        if args.output:
            _print(f"{len(ids)} Meldung(en) exportiert nach {args.output}. Bearbeiten, dann: netzwerkbot db import "
                   f"{args.output}")
        return 0
    db = UserDB(settings.users_db)
    try:
        if args.reports_command == "list":
            status = None if args.status == "all" else args.status
            reports = db.reports(status)
            for r in reports:
                about = r.network_id or f"neu: {r.network_name}"
                body = " ".join(r.body.split())
                _print(f"#{r.id:<5} {r.status:<9} {r.created_at[:10]}  {about[:40]:<40}  "
                       f"{body[:70] + ('…' if len(body) > 70 else '')}")
            _print(f"{len(reports)} Meldung(en)" + (f" ({args.status})" if status else "") + ".")
            return 0
        report = db.report(args.id)
        if report is None:
            raise CliError(f"Meldung #{args.id} gibt es nicht.")
        _print(f"Meldung #{report.id} – {report.status}, eingegangen {report.created_at}"
               + (f", entschieden {report.decided_at}" if report.decided_at else ""))
        _print(f"Netzwerk: {report.network_name} ({report.network_id or 'neu'})")
        if report.place_name:
            _print(f"Ort: {report.place_name}" + (f" ({report.place_state})" if report.place_state else ""))
        _print(f"Meldung: {report.body}")
        _print(f"Quelle: {report.source_url or 'keine'}")
        _print(f"Melder erreichbar: {'ja' if report.reporter else 'nein'}")
        for note in db.notes(report.id):
            _print(f"{note.at} {'Rückfrage' if note.author == 'admin' else 'Antwort'}: {note.body}")
        return 0
    except UserDataUnavailable as exc:
        raise _user_db_failure(exc) from None
    finally:
        db.close()


def cmd_stats(settings: Settings, args) -> int:
    from .feedback.userdb import UserDataUnavailable, UserDB

    _quiet_user_db()
    db = UserDB(settings.users_db)
    try:
        rows = db.satisfaction()
        counts = db.counts()
        comments = db.comments(args.comments) if args.comments else []
    except UserDataUnavailable as exc:
        raise _user_db_failure(exc) from None
    finally:
        db.close()
    _print(f"Nutzerdaten: {settings.users_db}")
    _print("Zufriedenheit je Art der Frage und Antwort (👍 / 👎, Anteil 👍):")
    per_intent: dict[str, list[int]] = {}
    for intent, kind, up, down in rows:
        totals = per_intent.setdefault(intent, [0, 0])
        totals[0] += up
        totals[1] += down
    for intent, (up, down) in sorted(per_intent.items()):
        _print(f"  {intent:<10} {up:>6} / {down:<6} {100 * up / (up + down):5.1f} %")
        for row_intent, kind, k_up, k_down in rows:
            if row_intent == intent:
                _print(f"    {kind:<8} {k_up:>6} / {k_down:<6} {100 * k_up / (k_up + k_down):5.1f} %")
    if not rows:
        _print("  noch keine Bewertungen")
    _print(f"Bewertungen: {counts['ratings']} · offene Meldungen: {counts['open_reports']} · Heimatorte: "
           f"{counts['homes']} · Abos: {counts['subscriptions']}")
    for day, intent, kind, comment in comments:
        _print(f"  {day} {intent}/{kind}: {' '.join(comment.split())}")
    return 0


# -- run -------------------------------------------------------------------------------------------
NO_TOKEN = ("Kein TELEGRAM_BOT_TOKEN gesetzt. So bekommen Sie einen: in Telegram @BotFather öffnen, /newbot "
            "senden, Namen wählen, das Token in .env als TELEGRAM_BOT_TOKEN=… eintragen. Ohne Token können Sie den "
            "Bot in der Konsole ausprobieren: netzwerkbot chat")


def cmd_run(settings: Settings, args) -> int:
    if not settings.token:
        raise CliError(NO_TOKEN, code=2)
    from handlers.app import run_bot

    return run_bot(settings, _brain(settings))


def cmd_default(settings: Settings, args) -> int:
    if settings.token:
        return cmd_run(settings, args)
    return cmd_chat(settings, args, demo_if_not_tty=True)


# -- backup / restore / doctor ---------------------------------------------------------------------
def cmd_db_backup(settings: Settings, args) -> int:
    from .backup import LABELS, USERDATA, BackupError, backup_database, restore_database

    if args.db_command == "restore":
        try:
            result = restore_database(Path(args.file), settings.db_path, settings.users_db)
        except BackupError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(f"Wiederherstellen fehlgeschlagen, die bisherige Datenbank ist unverändert: "
                           f"{exc.strerror or exc}") from None
        kept = f"; die bisherige Datei liegt unter {result.before}" if result.before else ""
        _print(f"Wiederhergestellt: {LABELS[result.kind]} {result.target} aus {result.source}{kept}.")
        for note in result.notes:
            _print(note)
        if result.kind == USERDATA:
            _print("Jetzt den Bot (wieder) starten: systemctl start netzwerkbot – oder netzwerkbot run.")
        else:
            _print("Ein laufender Bot übernimmt sie mit /reload (Admins), sonst beim nächsten Start.")
        return 0
    directory, failed = Path(args.directory), 0
    for kind, source in (("network", settings.db_path), ("userdata", settings.users_db)):
        result = backup_database(source, kind, directory, keep=args.keep)
        if result.error:
            sys.stderr.write(f"netzwerkbot: {result.error}\n")
            failed += 1
        elif result.note:
            _print(f"Hinweis: {result.note}")
        else:
            removed = f"; {len(result.removed)} ältere gelöscht (es bleiben {args.keep})" if result.removed else ""
            size = f"{result.size_bytes / 1e6:.1f} MB" if result.size_bytes >= 100_000 else f"{result.size_bytes / 1e3:.0f} kB"
            _print(f"Gesichert: {LABELS[kind]} → {result.target} ({size}, "
                   f"{result.seconds:.2f} s){removed}")
    return 1 if failed else 0


def cmd_doctor(args) -> int:
    """Runs before (and without) the usual settings load: a bad setting is one of its findings."""
    from .doctor import print_report, run_checks

    def probe(settings: Settings):
        from handlers.probe import probe_telegram

        return probe_telegram(settings)

    report = run_checks(env_file=args.env_file, telegram=probe)
    return print_report(report, _print)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"eine ganze Zahl ≥ 1 erwartet, nicht {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netzwerkbot", description="Netzwerke zur Fachkräftesicherung finden.")
    parser.add_argument("--env-file", help="Pfad einer .env-Datei (Standard: ./.env)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="den Telegram-Bot starten")
    ask = sub.add_parser("ask", help="eine Frage beantworten")
    ask.add_argument("--json", action="store_true", help="Antwort als JSON (Schema im README)")
    ask.add_argument("--compact", action="store_true", help="JSON in einer Zeile")
    ask.add_argument("--lang", choices=["de", "en"], help="Sprache der Antworten (Standard: die der Frage, sonst Deutsch)")
    ask.add_argument("--dialog", action="store_true",
                     help='mit "-": jede Zeile ist ein Zug eines Gesprächs (Rückfragen wie „Kontakt dazu“ beziehen '
                          'sich auf die Zeile davor); eine leere Zeile beginnt ein neues Gespräch')
    ask.add_argument("text", nargs="+", help='die Frage, oder "-" für eine Frage je Zeile von stdin')
    chat = sub.add_parser("chat", help="interaktive Konsole")
    chat.add_argument("--lang", choices=["de", "en"], help="Sprache der Antworten (Standard: die der Frage, sonst Deutsch)")
    db = sub.add_parser("db", help="Datenbank pflegen")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    build = dbsub.add_parser("build", help="aus data/ bauen")
    build.add_argument("--force", action="store_true", help="auch neu bauen, wenn sie aktuell ist")
    imp = dbsub.add_parser("import", help="CSV/JSON/YAML importieren (alles oder nichts)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
    imp.add_argument("--format", choices=["csv", "json", "yaml"], help="Format (Standard: Dateiendung)")
    exp = dbsub.add_parser("export", help="alle Netzwerke exportieren")
    exp.add_argument("--format", choices=["csv", "json", "yaml"], default="yaml")
    exp.add_argument("--output", "-o")
    dbsub.add_parser("check", help="Konsistenz prüfen")
    dbsub.add_parser("stats", help="Zahlen")
    reports = sub.add_parser("reports", help="Meldungen der Nutzer (Nutzerdaten-Datenbank)")
    repsub = reports.add_subparsers(dest="reports_command", required=True)
    rlist = repsub.add_parser("list", help="Meldungen auflisten")
    rlist.add_argument("--status", choices=["open", "accepted", "rejected", "exported", "all"], default="open")
    rshow = repsub.add_parser("show", help="eine Meldung ganz zeigen")
    rshow.add_argument("id", type=int)
    rexp = repsub.add_parser("export", help="übernommene Meldungen als Importdatei")
    rexp.add_argument("--format", choices=["yaml", "json", "csv"], default="yaml")
    rexp.add_argument("--output", "-o")
    rexp.add_argument("--mark-exported", action="store_true",
                      help="die exportierten Meldungen danach als 'exported' markieren")
    stats = sub.add_parser("stats", help="Bewertungen je Art, Hinweise, Heimatorte, Abos")
    stats.add_argument("--comments", type=int, default=0, metavar="N", help="die letzten N Hinweise nach 👎 zeigen")
    sub.add_parser("bench", help="Benchmarks ausführen (Optionen: netzwerkbot bench --help)")

    bak = dbsub.add_parser("backup", help="beide Datenbanken im laufenden Betrieb sichern")
    bak.add_argument("directory", metavar="DIR", help="Zielverzeichnis (wird angelegt)")
    bak.add_argument("--keep", type=_positive, default=7, metavar="N", help="je Datenbank die N neuesten behalten (7)")
    res = dbsub.add_parser("restore", help="eine Sicherung zurückspielen (geprüft, atomar)")
    res.add_argument("file", metavar="FILE")
    sub.add_parser("doctor", help="Betrieb prüfen: Einstellungen, Token, Webhook, Datenbanken, Platz, Datenalter")
    return parser


def main(argv: list[str] | None = None) -> int:
    from .store import StoreError

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its options are the benchmark's own (argparse.REMAINDER won't take "--quick")
        from bench.__main__ import main as bench_main

        return bench_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "doctor":  # reports a bad setting as one of its lines instead of stopping at it
        return cmd_doctor(args)
    try:
        settings = load_settings(dotenv_path=args.env_file)
        configure_logging(settings.log_level)
        handler = {"run": cmd_run, "ask": cmd_ask, "chat": cmd_chat, "db": cmd_db, "reports": cmd_reports,
                   "stats": cmd_stats, None: cmd_default}[args.command]
        return handler(settings, args)
    except SettingsError as exc:
        sys.stderr.write(f"Konfigurationsfehler: {exc}\n")
        return 2
    except (StoreError, CliError) as exc:
        sys.stderr.write(f"netzwerkbot: {exc}\n")
        return getattr(exc, "code", 1)
    except sqlite3.DatabaseError as exc:  # damage quick_check cannot see, or a file damaged while running
        sys.stderr.write(f"netzwerkbot: Datenbankfehler ({exc}). Prüfen: netzwerkbot db check; "
                         f"neu bauen: netzwerkbot db build --force\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
