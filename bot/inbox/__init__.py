"""What every channel does with a guest's message before Rasa sees it.

text.py       normalisation of guest text (control characters, "/" payloads), read
              back as written
queue.py      TurnQueue: the durable, sealed queue of webhook turns (SMS, e-mail)
ratelimit.py  RateLimiter: per guest and per address, shared through Redis
"""
