"""`poll_mailboxes` (one poll now, the code beat runs) and `watch_mailboxes` (IMAP IDLE)."""
