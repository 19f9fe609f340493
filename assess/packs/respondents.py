"""Who answers a question: kept apart from the pack models so that the CLI's option choices load
without pydantic (`assess --help` stays fast)."""

from typing import Literal, get_args

Respondent = Literal["committee", "resident", "party_member"]
RESPONDENTS: list[str] = list(get_args(Respondent))
