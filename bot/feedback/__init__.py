"""The guest-feedback conversation: state machine, turn model and stored records."""
