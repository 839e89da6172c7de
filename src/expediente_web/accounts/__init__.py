"""Accounts and access: sign-in with two factors, lockout, sessions, invitations, case teams."""
