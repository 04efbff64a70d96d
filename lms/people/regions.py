"""The region tree: import from CSV (all-or-nothing) and materialised paths."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from lms.auth.models import Region, User
from lms.auth.permissions import regions_in_scope
from lms.core.paging import escape_like
from lms.core.transactions import service
from lms.extensions import db
from lms.people import asks
from lms.people.csvfiles import CsvRow, ImportFailed, problem, read_csv

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
KIND_PATTERN = re.compile(r"^[a-z][a-z_]{0,31}$")
REGION_COLUMNS = ("code", "name", "kind", "parent")


@dataclass
class RegionRow:
    """A checked row of a regions file."""

    line: int
    code: str
    name: str
    kind: str
    parent: str | None
    lok_sabha: str | None


@dataclass
class RegionImportResult:
    """How many regions an import created and updated."""

    created: int
    updated: int


@service
def import_regions(
    data: bytes, filename: str, progress: Callable[[int], None] | None = None
) -> RegionImportResult:
    """Create or update regions from CSV; any bad row means nothing is written."""
    rows = read_csv(data, filename, REGION_COLUMNS, ("lok_sabha",))
    checked = _check_rows(rows, filename)
    existing = {r.code: r for r in db.session.execute(db.select(Region)).scalars()}
    _check_parents(checked, existing, filename)
    result = _apply(checked, existing, progress or (lambda n: None))
    return result


def _check_rows(rows: list[CsvRow], filename: str) -> list[RegionRow]:
    """Field-level checks on every row; raise with every problem found."""
    checked, problems, seen = [], [], {}
    for row in rows:
        values = row.values
        code, name, kind = values["code"], values["name"], values["kind"]
        messages = []
        if not CODE_PATTERN.match(code):
            messages.append(_l("code %(code)r: use letters, digits, - or _", code=code))
        elif code in seen:
            messages.append(_l("code %(code)s already used on line %(line)d", code=code, line=seen[code]))
        seen.setdefault(code, row.line)
        if not name or len(name) > 200:
            messages.append(_l("name is required (at most 200 characters)"))
        if not KIND_PATTERN.match(kind):
            messages.append(_l("kind %(kind)r: use lowercase letters, e.g. district", kind=kind))
        problems.extend(problem(filename, row.line, message) for message in messages)
        parent = values["parent"] or None
        lok_sabha = values.get("lok_sabha") or None
        checked.append(RegionRow(row.line, code, name, kind, parent, lok_sabha))
    if problems:
        raise ImportFailed(problems)
    return checked


def _check_parents(rows: list[RegionRow], existing: dict[str, Region], filename: str) -> None:
    """Every parent exists (in the file or the database) and no region is its own ancestor."""
    parent_of = {code: (r.parent.code if r.parent else None) for code, r in existing.items()}
    parent_of.update({row.code: row.parent for row in rows})
    problems = []
    for row in rows:
        if row.parent is not None and row.parent not in parent_of:
            message = _l("unknown parent %(code)s", code=row.parent)
            problems.append(problem(filename, row.line, message))
        elif _has_cycle(row.code, parent_of):
            message = _l("region %(code)s would be its own ancestor", code=row.code)
            problems.append(problem(filename, row.line, message))
    if problems:
        raise ImportFailed(problems)


def _has_cycle(code: str, parent_of: dict[str, str | None]) -> bool:
    """Walk up from `code`; meeting it again means a cycle."""
    seen = {code}
    current = parent_of.get(code)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _apply(
    rows: list[RegionRow], existing: dict[str, Region], progress: Callable[[int], None]
) -> RegionImportResult:
    """Upsert rows parents-first, then refresh every path that changed."""
    created = updated = 0
    by_code = dict(existing)
    for row in rows:
        region = by_code.get(row.code)
        if region is None:
            region = Region(code=row.code, path="")
            db.session.add(region)
            by_code[row.code] = region
            created += 1
        else:
            updated += 1
        region.name, region.kind, region.lok_sabha = row.name, row.kind, row.lok_sabha
        progress(1)
    for row in rows:
        by_code[row.code].parent = by_code[row.parent] if row.parent else None
    db.session.flush()  # ids are needed for paths
    refresh_paths(list(by_code.values()))
    asks.regions_moved.answers()  # e.g. figures summed per region, which may have moved
    return RegionImportResult(created, updated)


def refresh_paths(regions: list[Region]) -> None:
    """Recompute every region's materialised path from its parent chain."""
    by_id = {region.id: region for region in regions}
    paths: dict[int, str] = {}

    def path_of(region: Region) -> str:
        if region.id not in paths:
            parent = by_id.get(region.parent_id) if region.parent_id else None
            prefix = path_of(parent) if parent else "/"
            paths[region.id] = f"{prefix}{region.id}/"
        return paths[region.id]

    for region in regions:
        new_path = path_of(region)
        if region.path != new_path:
            region.path = new_path


def find_region(code: str) -> Region | None:
    """The region with this code as typed, in any case (`ac-bhabanipur`), if any."""
    code = (code or "").strip()
    exact = db.session.execute(db.select(Region).filter_by(code=code)).scalar_one_or_none()
    if exact is not None or not code:
        return exact
    # Codes are unique as written; if two differ only in case, the typed code is ambiguous.
    found = db.session.execute(
        db.select(Region).where(func.upper(Region.code) == code.upper()).limit(2)
    ).scalars()
    matches = list(found)
    return matches[0] if len(matches) == 1 else None


def path_ids(region: Region) -> list[int]:
    """The ids in a region's materialised path, from the root down to itself."""
    return [int(part) for part in region.path.strip("/").split("/")]


def region_trail(region: Region) -> list[Region]:
    """The region's ancestors from the root down to itself."""
    ids = path_ids(region)
    found = db.session.execute(db.select(Region).where(Region.id.in_(ids))).scalars()
    by_id = {r.id: r for r in found}
    return [by_id[i] for i in ids if i in by_id]


PICKER_LIMIT = 20  # matches shown at once: a name typed further narrows them


def matching_regions(actor: User, text: str, limit: int = PICKER_LIMIT) -> list[Region]:
    """Regions in the actor's area whose name or code contains the text (any case), the
    higher levels first: the region picker's answer to a few typed letters."""
    if not (text or "").strip():
        return []
    pattern = f"%{escape_like(text)}%"
    query = regions_in_scope(actor).where(
        Region.name.ilike(pattern, escape="\\") | Region.code.ilike(pattern, escape="\\")
    )
    depth = func.length(Region.path)
    return list(db.session.execute(query.order_by(depth, Region.name).limit(limit)).scalars())


def picker(actor: User, query: str) -> dict:
    """What the region picker shows (templates/macros/region_picker.html): the text looked
    up, the regions of the actor's area it matches, and how many are shown at most."""
    return {"region_query": query, "regions": matching_regions(actor, query), "limit": PICKER_LIMIT}
