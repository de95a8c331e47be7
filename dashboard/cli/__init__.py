"""The `ascgov` command: nothing else imports it."""
