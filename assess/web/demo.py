"""The bundled fictional example communities loaded into a site, so a newcomer sees a populated site at once.

Each example becomes a community under its own district and sub-district (all marked fictional), with its
answer file imported and its residents' file stored as an upload, exactly as a user would do in the browser.
"""

from __future__ import annotations

from sqlalchemy import select

from assess.report import bundled_examples
from assess.responses import load_answer_file
from assess.web.answers import import_answers_yaml
from assess.web.residents import check_upload, latest_upload, record_upload, store_upload
from assess.web.store import Site, current_round, units, users
from assess.web.units import KINDS, Viewer, ensure_path


def load_demo(site: Site, by: str = "admin") -> list[str]:
    """The examples as communities (those already there are left as they are); the paths of the new ones."""
    added = []
    with site.write() as connection:
        user_id = connection.execute(select(users.c.id).where(users.c.name == by)).scalar()
        person = Viewer(user_id, by)
        for example in bundled_examples():
            community = load_answer_file(example.answers).data.community
            names = [community.city, community.district, community.street, community.name]
            kinds = [k for k, n in zip(KINDS, names, strict=True) if n]
            unit_id = ensure_path(connection, [n for n in names if n], kinds)
            unit = connection.execute(select(units).where(units.c.id == unit_id)).one()
            rnd = current_round(connection)
            if latest_upload(connection, unit.id, rnd.id) is not None:
                continue
            import_answers_yaml(connection, unit, rnd, example.answers, person)
            if example.residents is not None:
                with open(example.residents, "rb") as source:
                    stored, size, digest = store_upload(site.uploads, example.residents.name, source, site.max_upload)
                checked = check_upload(connection, unit, rnd, stored, example.residents.name, ())
                record_upload(connection, unit, rnd, site, stored, example.residents.name, size, digest, (),
                              checked, person)
            added.append(unit.path)
    return added

