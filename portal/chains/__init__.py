"""The chain's digital brain (产业链数字大脑): the chain map, link assessments, KPIs computed
from the portal's own records, charts and the periodic evaluation report."""
