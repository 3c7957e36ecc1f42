"""The chain's digital brain: map, KPIs, assessments, the evaluator's limits and the report."""

from tests.chains.fixtures import (  # noqa: F401  (fixtures of these stories)
    chain_clock,
    chain_of,
    evaluator,
    officer,
    story_chain,
    story_orgs,
)
