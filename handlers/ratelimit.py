"""Per-user sliding-window rate limit, in memory.

Why in memory: the limit only protects this process (and the Bot API flood limits) against one
user hammering the bot; it needs no persistence, and the privacy notice promises that nothing but
short-lived counters per user id is kept. The window slides, so a user who paused for a minute is
never punished for an earlier burst. Over the limit a user gets exactly one friendly notice, then
silence until the window has room again.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from bot.i18n import N_

WINDOW_SECONDS = 60.0
# sent in the user's language (handlers.common.rate_ok)
NOTICE = N_("Sie senden sehr viele Nachrichten in kurzer Zeit. Bitte warten Sie einen Moment – "
            "danach antworte ich wieder gern.")


@dataclass
class _UserWindow:
    stamps: deque = field(default_factory=deque)
    notified: bool = False


class RateLimiter:
    """``check(user_id)`` says ``"ok"``, ``"notice"`` (first refusal: tell the user) or ``"silent"``."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.limit = max(1, int(limit))
        self.window = window
        self.clock = clock
        self._users: dict[int, _UserWindow] = {}
        self._checks = 0

    def check(self, user_id: int) -> str:
        now = self.clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._prune(now)
        user = self._users.setdefault(user_id, _UserWindow())
        while user.stamps and now - user.stamps[0] >= self.window:
            user.stamps.popleft()
        if len(user.stamps) < self.limit:
            # Refused attempts are not recorded, so the window frees up on schedule.
            user.stamps.append(now)
            user.notified = False
            return "ok"
        if user.notified:
            return "silent"
        user.notified = True
        return "notice"

    def _prune(self, now: float) -> None:
        """Forget users whose last message left the window: memory stays bounded by active users."""
        stale = [uid for uid, u in self._users.items() if not u.stamps or now - u.stamps[-1] >= self.window]
        for uid in stale:
            del self._users[uid]

    def __len__(self) -> int:
        return len(self._users)
