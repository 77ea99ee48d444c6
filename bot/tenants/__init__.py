"""Tenants (hotels): their configuration, questionnaire and handover policy.

registry.py         Tenants.load(tenants.yml) -> Tenant
handover_policy.py  when a conversation is escalated to staff (per tenant)
"""
