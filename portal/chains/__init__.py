"""The chain's digital brain (产业链数字大脑): the chain map, link assessments, KPIs computed
from the portal's own records, charts and the periodic evaluation report."""

from portal.chains import receivers  # noqa: E402, F401  (connected when the package is imported)
