"""`jobbot serve --workers N`: N serving processes sharing one port (SO_REUSEPORT)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

POLL_S = 0.2


def run_workers(count: int) -> int:
    """Run `count` workers until SIGTERM/SIGINT; exit 0 only if every worker did.

    One event loop does the acknowledgements, the lookups and the replies; past a few
    hundred requests at once, a second process on a second core keeps acknowledgements
    fast. The kernel spreads new connections over the processes listening with
    SO_REUSEPORT. Each worker has its own cache, so one job costs at most one upstream
    request per worker at a time.
    """
    command = [sys.executable, "-m", "bot", "serve", "--reuse-port"]
    # A fixed command: this interpreter running jobbot itself, no outside input.
    workers = [subprocess.Popen(command, stdin=subprocess.DEVNULL) for _ in range(count)]  # noqa: S603

    def forward(signum: int, frame: FrameType | None) -> None:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while any(worker.poll() is None for worker in workers):
        # A worker that dies on its own takes the others down: a half-sized service
        # that looks healthy is worse than a restart.
        if any(worker.returncode not in (None, 0) for worker in workers):
            forward(signal.SIGTERM, None)
        time.sleep(POLL_S)
    return 0 if all(worker.returncode == 0 for worker in workers) else 1
