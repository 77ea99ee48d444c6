"""Live handover: escalation triggers, the conversation's handover state (the one
module that writes it: store.py), the transcript staff see, and staff notifications."""
