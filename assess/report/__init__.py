"""Stage 6, report: the results of the stages before it as a bilingual HTML and PDF report.

`data` gathers (score, benchmark, plan, free text), the `view*` modules word each section in one language,
`templates` renders them in a sandbox and `pdf` lays the HTML out; `community` is the community report built
from these parts, `charts` draws its SVG charts and `demo` runs it on the bundled examples.
"""
