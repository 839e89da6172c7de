"""Discussion among a case team: comments on every record, @mentions of case members and each
user's notifications."""
