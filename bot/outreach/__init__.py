"""Outreach: Rapport starts the conversation (issue 12). What is where:

- `stays.py`: the hotel's stays (reservations), one per reservation reference, the
  guest's contact and first name sealed; the only writer of the `stays` collection;
- `parse.py`, `headers.py`: a guest list (CSV or XLSX) -> stays and rejected rows (pure);
- `importer.py`: new / changed / unchanged, idempotent upsert of an import;
- `plan.py`: when each journey's invitation of a stay is due (hotel's zone, DST, quiet
  hours, cap; pure);
- `invitations.py`: the send schedule (`invitations`): planning, exclusive claims,
  at-most-once sending stamp, outcomes;
- `scheduler.py`: one round per tenant: plan, claim, check suppression, send through
  `Outbox.invite`, record (the jobs process, every 15 s);
- `message.py`: what an invitation says;
- `opening.py`: the invitation a guest's first reply answers (`open_invitation`), and
  `answered_at` set once (`mark_answered`); the feedback pipeline starts the
  conversation from it;
- `pms/`: live PMS connectors behind one `PmsConnector` interface (apaleo by webhook
  and re-fetch, Mews by polling, a generic signed webhook);
- `batch.py`: a JSON batch of stays (the import API): checked item by item, upserted;
- `tokens.py`: the import API's per-tenant tokens, stored hashed, revocable;
- `mapping.py`: the tenant's own guest-list column names, mapped once to fields;
- `settings.py`: the policy admins edit in the console, `effective_policy(mongo, tenant)`;
- `cli.py`: `import`, `tokens`, `send-due`, `pms sync` (see its docstring).

The console serves the import API and the upload (bot/console/stays_api.py, outreach.py).

docs/OUTREACH.md is the guide.
"""
