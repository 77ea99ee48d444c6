"""Live PMS connectors (issue 12, "three ways in", 3): apaleo (webhook, then the
reservation re-fetched with OAuth2 client credentials) and Mews (polling rolling
windows), behind one `PmsConnector` interface (base.py); a third PMS is one module
(registry.py). docs/OUTREACH.md "PMS connectors" describes the setup per PMS.

    base.py      the interface, the HTTP client with back-off, mapping helpers, counters
    apaleo.py    mews.py           one module per PMS
    registry.py  kind -> module; a tenant's connector from its `pms:` section
    events.py    webhook events (`pms_events`): recorded once, processed, retried
    webhook.py   receiving a webhook (the console's route is bot/console/pms_webhook.py)
    poller.py    rolling windows with a cursor (`pms_cursors`); `poll_round` for the jobs
"""
