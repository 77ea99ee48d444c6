"""Pure parsing and verification of inbound channel payloads (no Rasa, no I/O).
The Rasa channel modules in `channels/` call these and map errors to HTTP."""
