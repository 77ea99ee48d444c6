"""The audit trail: who read or changed what, when, and whether it was allowed.

log.py     AuditLog: the hash-chained per-tenant log and the unchained Redis inbox
folder.py  InboxFolder: chains the inbox into the log (a background job, bot/jobs)
"""
