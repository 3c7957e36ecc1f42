"""The workbench: a person's home page after login, listing what waits for them in every module
(their drafts, invitations, pledges and milestones; the reviews due; the staff's queues)."""
