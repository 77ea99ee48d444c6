"""Outreach: Rapport starts the conversation (issue 12). What is where:

- `stays.py`: the hotel's stays (reservations), one per reservation reference, the
  guest's contact and first name sealed; the only writer of the `stays` collection;
- `parse.py`, `headers.py`: a guest list (CSV or XLSX) -> stays and rejected rows (pure);
- `importer.py`: new / changed / unchanged, idempotent upsert of an import;
- `cli.py`: `python -m bot.outreach import --tenant T --file F [--dry-run]`;
- `settings.py`: the policy admins edit in the console, `effective_policy(mongo, tenant)`.

Journeys, sending, the import API and PMS connectors come later (docs/OUTREACH.md).
"""
