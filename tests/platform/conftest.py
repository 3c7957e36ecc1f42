"""What holds across the modules: routes, pages, languages, migrations, hostile input,
concurrency, caches and commands."""

from tests.reviews.fixtures import (  # noqa: F401  (the concurrency stories score reviews)
    add_to_panel,
    closed_challenge,
    make_expert,
    officer,
    set_status,
    write_reviews,
)
