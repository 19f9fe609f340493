"""assess: assessing Party-building-led community governance (党建引领社区治理).

One subpackage per pipeline stage, data flowing one way: `packs` (the indicator framework) → `responses`
(checked answers) → `scoring` → `cases` (benchmarking) → `actions` (countermeasures) → `report`; `cli` on top.
"""

__version__ = "0.1.0"
