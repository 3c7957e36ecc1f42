"""Alerts, reminders and calendars: what reaches people without their clicking.

- Reminders (reminders.py): `run_due(now)` finds every reminder that is due (a review due or
  overdue, a draft facing its deadline, a milestone due or overdue, a publicity period ended with
  objections open) and tells each person once; a periodic job calls it, and so does
  `flask --app portal reminders`.
- Subscriptions (subscriptions.py): applicants and experts follow chains or links and are told
  when a challenge is published there, and, if they wish, of each answered question on a
  challenge they are drafting for (receivers.py listens to the challenges module's signals).
- Calendars (calendar.py): each user's private iCalendar feed of their deadlines, due reviews
  and milestones, at a secret address they can reset.
"""
