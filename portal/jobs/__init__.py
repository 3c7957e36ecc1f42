"""Jobs on a queue: mail, notice batches, reminders — work that happens outside the request.

Register a job where its work lives, and ask for it inside the transaction of the change::

    from portal import jobs

    @jobs.job("notices.issue_in_batch")
    def issue_in_batch(batch_id: int, award_id: int) -> None: ...

    jobs.enqueue("notices.issue_in_batch", batch_id=batch.id, award_id=award.id)

A periodic job runs once per period across every worker (`every` is a timedelta, or the name of
a setting in minutes)::

    @jobs.periodic("alerts.reminders", every="REMINDERS_EVERY_MINUTES")
    def send_reminders(now: datetime) -> None: ...

The module that registers jobs must be imported by create_app() (its views or services are), so
that every web server and every `flask --app portal worker` knows them.
"""

from portal.jobs.registry import Retry, job, periodic
from portal.jobs.services import drain, enqueue, remember, unfinished

__all__ = ["Retry", "drain", "enqueue", "job", "periodic", "remember", "unfinished"]
