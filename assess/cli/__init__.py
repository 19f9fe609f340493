"""The `assess` command line: parses arguments, calls the library, prints.

All logic lives in plain functions of the pipeline stages; this package has one module per command group
and the shared options (`options`). A user mistake arrives here as `AssessError` and leaves as click's error
message with exit status 1 (never a traceback). Heavy imports (WeasyPrint) happen inside the commands that
need them, so `assess --help` stays fast.
"""

from __future__ import annotations

import click

from assess.cli import actions, analysis, cases, district, packs, report, responses, scoring, web
from assess.cli.options import CONTEXT, Group


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="assess", help="显示版本号并退出 / Show the version and exit.")
def main() -> None:
    """assess：党建引领社区治理评估工具 / assess Party-building-led community governance.

    \b
    常用步骤 / Typical steps:
      assess demo                                 示例报告 / example reports
      assess indicators list                      查看指标体系 / the indicator framework
      assess fill -o answers.yaml                 填写问卷 / fill in the questionnaire
      assess score answers.yaml                   计算得分 / scores
      assess report answers.yaml -o report.pdf    生成报告 / the report
    """


for command in (
    packs.indicators, packs.ahp_command, responses.fill_command, responses.import_command, scoring.score_command,
    scoring.plan_sample_command,
    cases.cases, cases.benchmark_command, actions.recommend_command, report.report_command, report.demo_command,
    district.district, analysis.analyze_command, web.serve_command, web.worker_command, web.units_group,
    web.users_group,
):
    main.add_command(command)
