"""Jobs: the queue, the outbox, and workers in processes of their own."""

from tests.jobs.processes import private_redis, processes, shared_redis  # noqa: F401
from tests.notices.fixtures import make_award, officer, seal  # noqa: F401  (batches need them)
