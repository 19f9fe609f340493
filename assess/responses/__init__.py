"""Stage 2, responses: everything that turns what people answered into checked, canonical answers.

Takes an answer file, a residents' file or a tool's export (and the terminal, for `fill`); gives an
`AnswerFile` and streams of `RespondentEntry` whose values are canonical (`values.coerce_answer`), every bad
value reported with its file, line or row and column. One module per outside format (`residents_csv`,
`kobo`) sits on the shared `tabular` layer; scoring never parses an answer. What a person types one answer at
a time -- at the terminal (`fill`) or in a browser -- is read by `typed.read_typed` (3个, 第二个, 百分之九十).
"""
