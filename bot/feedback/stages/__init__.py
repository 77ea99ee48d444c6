"""The stages of a guest turn, one module each, in the order bot/feedback/pipeline.py
lists them: limits, dsr (data_subject_request), guest_state, consent, staff_hold,
questionnaire, escalation, storage, handover, reply. Each stage calls down into
handover, privacy, storage and audit; none of those calls back into feedback."""
