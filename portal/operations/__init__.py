"""The operators' pages: the jobs on the queue and the mail waiting in the outbox."""
