"""Hypothesis strategies shared by the answer and scoring tests."""

from __future__ import annotations

from hypothesis import strategies as st


def answer_value(question):
    """An answer that `coerce_answer` returns unchanged: any value valid for the question's type."""
    if question.type == "likert":
        return st.integers(question.scale.min, question.scale.max)
    if question.type == "yes_no":
        return st.booleans()
    if question.type == "choice":
        return st.sampled_from([o.id for o in question.options])
    if question.type == "multi_choice":
        return st.lists(st.sampled_from([o.id for o in question.options]), unique=True)
    if question.type == "number":
        whole = st.integers(0, 10_000)
        return whole if question.integer else whole | st.floats(0, 1e6, allow_nan=False)
    return st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1).map(
        str.strip
    ).filter(bool)
