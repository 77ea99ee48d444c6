"""The guest-feedback conversation: one guest turn as an explicit pipeline of stages.

- service.py   `FeedbackService`: built once per action-server process; `handle` runs
               the stages of a turn in order (the action server calls it).
- pipeline.py  the stage sequence (`STAGES`), what passes between stages
               (`TurnContext`, `TurnOutcome`), what runs before it in the channels, and
               the walk of a guest SMS from the webhook to the stored rating and reply.
- stages/      one module per stage: limits, dsr, guest_state, consent, staff_hold,
               questionnaire, escalation, storage, handover, reply.
- engine.py    the questionnaire as a pure state machine (no I/O).
- transcript.py  the lines staff see of a conversation, and their audit record.
"""
