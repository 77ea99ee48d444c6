"""The base layer: what every package may import and nothing here imports back.

errors.py    the exceptions every layer raises and maps to answers
logs.py      structured, personal-data-free logging
settings.py  the one module that reads the environment
refs.py      keyed references: guest refs, conversation ids, sender ids
sealing.py   AES-GCM sealing of contacts, job payloads and export links
turn.py      the turn model: Turn, Answer, Reply, StepResult
"""
