"""`python -m bot.console`: serve the staff console on RAPPORT_BIND_HOST (127.0.0.1
by default) and RAPPORT_CONSOLE_PORT."""

from __future__ import annotations

import logging

from bot.base.settings import Settings
from bot.console.app import create_app


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(settings)
    app.run(
        host=settings.bind_host,
        port=settings.console_port,
        workers=1,
        access_log=False,  # request lines carry client addresses
        motd=False,
    )


if __name__ == "__main__":
    main()
