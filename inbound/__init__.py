"""The inbound app: mail in — mailboxes, parsing, threading, loop and abuse protection."""
