"""The one subpackage of bot/ that imports Rasa: extensions loaded into the Rasa
server process (a tracker store, measured fixes to Rasa's hot path). Everything else
in bot/ stays free of rasa and rasa_sdk."""
