"""Extensions loaded into the Rasa server process (a tracker store, the conversation
lock store, measured fixes to Rasa's hot path). With bot/nlu/legal_request.py (an NLU
graph component, whose logic in bot/nlu/legal.py is plain Python) and
bot/privacy/locks.py (the conversation lock taken by the erasure), the only places in
bot/ besides the channels that import Rasa; everything else stays free of rasa and
rasa_sdk."""
