"""The tables of rounds opened in the browser: whose round it is (scope, dates, the residents' sample each
community needs, the league once scored) and which communities take part. Apart from the site's first
tables, so a database made before them gains them at the next start."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from assess.web.store import meta

round_scopes = Table(
    "web_round_scopes", meta,
    Column("round_id", Integer, ForeignKey("web_rounds.id"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("web_units.id"), nullable=False),  # the sub-district/district's
    Column("starts_on", String(10)),
    Column("ends_on", String(10)),
    Column("residents_needed", Integer, nullable=False),
    Column("opened_by", String(100)),
    Column("league", Text),  # `assess district score --format json`, once the closed round is scored
    Column("weights", String(20), nullable=False, default="declared"),  # as `assess district score --weights`
    Column("rank_by", String(20), nullable=False, default="score"),  # score | topsis
)
round_members = Table(
    "web_round_members", meta,
    Column("round_id", Integer, ForeignKey("web_rounds.id"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("web_units.id"), primary_key=True),
)
packs_uploaded = Table(
    "web_packs", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False),  # the file's name as sent, shown escaped
    Column("stored", String(300), nullable=False),  # under packs/ in the data folder
    Column("sha256", String(64), nullable=False),
    Column("pack_id", String(200), nullable=False),
    Column("version", String(100)),
    Column("who", String(100)),
    Column("at", String(40), nullable=False),
)
