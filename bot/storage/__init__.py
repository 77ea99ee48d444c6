"""Storage ports (small async interfaces with export and erasure built in) and their
MongoDB implementation. One database per tenant; see docs/SCHEMA.md."""
