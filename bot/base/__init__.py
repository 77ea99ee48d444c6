"""The base layer: what every package may import and nothing here imports back.

errors.py    the exceptions every layer raises and maps to answers
logs.py      structured, personal-data-free logging
settings.py  the one module that reads the environment
refs.py      keyed references: guest refs, conversation ids, sender ids
sealing.py   AES-GCM sealing of contacts, job payloads and export links
scale.py     rating scales (1-5, 1-10, ...)
turn.py      the turn model: Turn, Answer, Reply, StepResult
names.py     the names of every MongoDB collection and the shared Redis keys
states.py    StrEnums of the closed sets stored as strings: channels, handover and
             request states, transcript authors, job and questionnaire states
"""
