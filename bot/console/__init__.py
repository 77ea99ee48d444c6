"""The staff console: a Sanic app in its own process (`python -m bot.console`).

app.py        create_app(settings): listeners, middleware (session, CSRF/origin,
              security headers), error mapping
auth.py       /login, /logout, / (start page)
routes.py     /t/<tenant>/... pages and JSON API
live.py       /t/<tenant>/live websocket fed by Redis pub/sub
access.py     access(): the one gate for tenant data (role check + audit)
login_limit.py the login rate limit (Redis, atomic)
security.py   pure checks: same-origin, CSRF tokens, cookie attributes, headers
pages.py      HTML (escaped; scripts and styles in static/)
cli.py        `python -m bot.console.cli staff add|list|disable|passwd`

Staff accounts, sessions and password hashing live in bot/staff (the privacy code and
the jobs use them too).
"""
