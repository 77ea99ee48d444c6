"""Custom NLU components of the Rasa pipeline (config.yml).

`lexicon.py` holds the legal vocabulary of data-subject requests (GDPR article references
and the rights' names in five languages); `legal.py` decides, in plain Python, which right
a message names and whether that should set its intent. `legal_request.py` is the thin
Rasa graph component around it; like bot/rasa/ it is loaded into the Rasa process and is
the only module here that imports rasa.
"""
