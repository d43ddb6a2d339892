"""Keep the bot token out of every log line.

PTB logs its API URL (``…/bot<TOKEN>``) at DEBUG, and error messages (``The token `…` was
rejected``) or httpx exceptions may contain it as well. A filter on the *root handlers* sees every
record that reaches a log file or the console – including those of child loggers, which logger
filters would miss – and rewrites message and traceback text through ``settings.redact``.
httpx and httpcore log each request URL at INFO/DEBUG, so they stay at WARNING.
"""

from __future__ import annotations

import logging
from typing import Callable

_FORMATTER = logging.Formatter()


class RedactingFilter(logging.Filter):
    def __init__(self, redact: Callable[[str], str]):
        super().__init__("netzwerkbot.redact")
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logging's problem, not ours
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(redact: Callable[[str], str], level: str | None = None) -> RedactingFilter:
    """Attach the filter to every root handler (creating a stderr handler if there is none)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=getattr(logging, level or "INFO"),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    token_filter = RedactingFilter(redact)
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(token_filter)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return token_filter
