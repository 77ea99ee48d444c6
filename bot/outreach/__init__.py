"""Outreach: Rapport starts the conversation (issue 12). What is where:

- `stays.py`: the hotel's stays (reservations), one per reservation reference, the
  guest's contact and first name sealed; the only writer of the `stays` collection;
- `parse.py`, `headers.py`: a guest list (CSV or XLSX) -> stays and rejected rows (pure);
- `importer.py`: new / changed / unchanged, idempotent upsert of an import;
- `cli.py`: `python -m bot.outreach import --tenant T --file F [--dry-run]`, `tokens`;
- `batch.py`: a JSON batch of stays (the import API): checked item by item, upserted;
- `tokens.py`: the import API's per-tenant tokens, stored hashed, revocable;
- `mapping.py`: the tenant's own guest-list column names, mapped once to fields.

The console serves the import API and the upload (bot/console/stays_api.py, outreach.py).
Journeys, sending and PMS connectors come later (docs/OUTREACH.md).
"""
