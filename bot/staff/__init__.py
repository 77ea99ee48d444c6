"""Staff accounts, their console sessions and password hashing: used by the console (UI),
the privacy code (offboarding, notices) and the jobs; owned by none of them.

    accounts.py   StaffStore (control database)
    sessions.py   SessionStore (console login sessions)
    passwords.py  argon2 hashing and the password policy
"""
