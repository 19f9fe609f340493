"""assess: assessing Party-building-led community governance (党建引领社区治理)."""

__version__ = "0.1.0"
