"""`python -m bot.console`: serve the staff console on RAPPORT_BIND_HOST (127.0.0.1
by default) and RAPPORT_CONSOLE_PORT."""

from __future__ import annotations

from bot.base import logs
from bot.base.settings import Settings
from bot.console.app import create_app


def main() -> None:
    settings = Settings.from_env()
    logs.configure(settings)
    app = create_app(settings)
    logs.configure(settings)  # again: Sanic's loggers exist once the app does
    app.run(
        host=settings.bind_host,
        port=settings.console_port,
        workers=1,
        access_log=False,  # request lines carry client addresses
        motd=False,
    )


if __name__ == "__main__":
    main()
