"""Emblems and signatures on certificates: uploaded for a region (or the whole programme) by
those who issue there; a certificate prints the nearest ones above its holder's place and
keeps them, so a later change never alters a certificate already issued."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from lms.auth.audit import audit
from lms.auth.models import Region, User
from lms.auth.permissions import area_condition, area_roots, everywhere, may
from lms.certificates.models import CertificateArt
from lms.core.clock import utcnow
from lms.core.errors import NotFound
from lms.core.images import PictureRefused, clean_picture
from lms.core.kept import kept
from lms.core.names import name_problem
from lms.core.transactions import service
from lms.extensions import db
from lms.people.lookalikes import imitated_staff
from lms.people.regions import find_region, path_ids

ART_KINDS = {"emblem": _l("Emblem"), "signature": _l("Signature")}
PROGRAMME = ""  # the place "the whole programme", as forms send it
# Pixels kept of each kind: its box on the certificate (certificate.css: an emblem at most
# 60 × 22 mm, a signature 68 × 20 mm) at 300 dpi. More would not print sharper, and WeasyPrint
# compresses every picture again for every PDF: a 1,200-pixel picture cost ~90 ms a certificate.
PRINT_BOXES = {"emblem": (710, 260), "signature": (800, 240)}


class ArtError(Exception):
    """An artwork rule was broken: `problems` holds a translatable message per form field,
    every one found (each try sends the picture again over a slow network)."""

    def __init__(self, problems: dict):
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return " ".join(str(message) for message in self.problems.values())


@dataclass(frozen=True)
class Place:
    """Somewhere artwork can be set: a region, or the whole programme (region None)."""

    region: Region | None

    @property
    def code(self) -> str:
        return self.region.code if self.region else PROGRAMME


def places(actor: User) -> list[Place]:
    """Where the actor may set artwork: the programme (admins), the tops of their area and
    the regions right below them (a district's cell head: the district and its constituencies)."""
    roots_query = area_roots(actor)
    if roots_query is None:
        return []
    by_name = select(Region).where(Region.id.in_(roots_query)).order_by(Region.name)
    roots = list(db.session.execute(by_name).scalars())
    children = select(Region).where(Region.parent_id.in_([root.id for root in roots])).order_by(Region.name)
    below: dict[int, list[Place]] = {}
    for region in db.session.execute(children).scalars():
        below.setdefault(region.parent_id, []).append(Place(region))
    found = [Place(None)] if everywhere(actor) else []
    for root in roots:
        found += [Place(root), *below.get(root.id, [])]
    return found


def place_for(actor: User, code: str) -> Place:
    """The place with this code if the actor may set its artwork, else NotFound."""
    if code == PROGRAMME:
        if not everywhere(actor):
            raise NotFound
        return Place(None)
    region = find_region(code)
    if region is None or not may(actor, "set_certificate_art", region):
        raise NotFound
    return Place(region)


def in_use(actor: User) -> list[CertificateArt]:
    """The artwork in use for the programme and for regions in the actor's area."""
    query = (
        select(CertificateArt)
        .outerjoin(Region, Region.id == CertificateArt.region_id)
        .where(CertificateArt.retired_at.is_(None))
        .where(or_(CertificateArt.region_id.is_(None), area_condition(actor, CertificateArt.region_id)))
        .order_by(Region.path.nulls_first(), CertificateArt.kind)
    )
    return list(db.session.execute(query).scalars())


@service
def upload(actor: User, kind: str, code: str, data: bytes, signatory: str | None = None) -> CertificateArt:
    """Check and store a picture as the place's emblem or signature, replacing the one in
    use (which certificates issued with it keep printing); audited, committed."""
    place = place_for(actor, code)
    if kind not in ART_KINDS:
        raise ArtError({"kind": _l("Choose an emblem or a signature.")})
    refused = name_problem(signatory.strip()) if signatory and signatory.strip() else None
    signatory = " ".join((signatory or "").split())
    problems = {}
    if kind == "signature" and not signatory:
        problems["signatory"] = _l("Write whose signature it is, as it should be printed under it.")
    elif kind == "signature" and refused is not None:
        problems["signatory"] = refused
    config = current_app.config
    try:
        picture = clean_picture(data, config["CERTIFICATE_ART_MAX_BYTES"], PRINT_BOXES[kind])
    except PictureRefused as refused:
        problems["picture"] = refused.args[0]
    if problems:
        raise ArtError(problems)
    region_id = place.region.id if place.region else None
    _retire_current(actor, kind, region_id)
    art = CertificateArt(
        kind=kind,
        region_id=region_id,
        png=picture.png,
        width=picture.width,
        height=picture.height,
        signatory=signatory[:200] if kind == "signature" else None,
        uploaded_by_id=actor.id,
    )
    db.session.add(art)
    try:
        db.session.flush()  # the unique index refuses a second one in use, from a racing upload
    except IntegrityError:  # the unit of work is rolled back as this is raised
        raise ArtError(
            {"picture": _l("Someone changed it at the same moment. Look at it again, then upload.")}
        ) from None
    audit(
        actor,
        f"certificate_art.{kind}",
        place.code or "programme",
        {"art_id": art.id, "signatory": art.signatory, "looks_like": imitated_staff(art.signatory)},
    )
    return art


@service
def retire(actor: User, art_id: int) -> CertificateArt:
    """Stop printing this artwork on new certificates (those issued keep it); committed."""
    art = art_to_manage(actor, art_id)
    if art.retired_at is not None:
        raise ArtError({"picture": _l("It is no longer in use.")})
    _retire_current(actor, art.kind, art.region_id)
    audit(
        actor,
        f"certificate_art.{art.kind}.remove",
        art.region.code if art.region else "programme",
        {"art_id": art.id},
    )
    return art


def _retire_current(actor: User, kind: str, region_id: int | None) -> None:
    """Mark the artwork in use for this kind and place retired (flushes)."""
    same_place = (
        CertificateArt.region_id.is_(None) if region_id is None else CertificateArt.region_id == region_id
    )
    db.session.execute(
        update(CertificateArt)
        .where(CertificateArt.kind == kind, same_place, CertificateArt.retired_at.is_(None))
        .values(retired_at=utcnow(), retired_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def art_to_manage(actor: User, art_id: int) -> CertificateArt:
    """Artwork the actor may see and change: the programme's (admins), a region's in their area."""
    art = db.session.get(CertificateArt, art_id)
    if art is None or not may(actor, "set_certificate_art", art.region):
        raise NotFound
    return art


def art_to_view(actor: User, art_id: int) -> CertificateArt:
    """Artwork the actor may look at: any that prints on certificates in their area."""
    art = db.session.get(CertificateArt, art_id, options=[undefer(CertificateArt.png)])
    if art is None or not may(actor, "set_certificate_art"):
        raise NotFound
    if art.region is not None and not may(actor, "set_certificate_art", art.region):
        raise NotFound
    return art


def art_for(region: Region | None) -> dict[str, CertificateArt]:
    """The emblem and signature a certificate for someone in this region prints: for each
    kind, the one set nearest above the place (the region itself first), else the programme's."""
    ids = path_ids(region) if region is not None else []
    query = select(CertificateArt).where(
        CertificateArt.retired_at.is_(None),
        or_(CertificateArt.region_id.is_(None), CertificateArt.region_id.in_(ids)),
    )
    depth = {region_id: position for position, region_id in enumerate(ids)}
    chosen: dict[str, CertificateArt] = {}
    for art in db.session.execute(query).scalars():
        rank = depth.get(art.region_id, -1)
        current = chosen.get(art.kind)
        if current is None or rank > depth.get(current.region_id, -1):
            chosen[art.kind] = art
    return chosen


def art_snapshot(region: Region | None) -> dict:
    """The artwork part of a certificate's snapshot (ids: the pictures are never changed)."""
    chosen = art_for(region)
    emblem, signature = chosen.get("emblem"), chosen.get("signature")
    return {
        "emblem_id": emblem.id if emblem else None,
        "signature_id": signature.id if signature else None,
        "signatory": signature.signatory if signature else None,
    }


def missing_for(actor: User) -> list[str]:
    """The kinds of artwork certificates in the actor's own region would print without."""
    chosen = art_for(actor.region)
    return [kind for kind in ART_KINDS if kind not in chosen]


PICTURES_KEPT = 1_000  # stored pictures kept per process (a few per region that has its own)
PICTURES_BUDGET = 16 * 1024 * 1024  # and their bytes (a picture is at most 2 MB)


def png_of(art_id: int) -> bytes | None:
    """The stored picture (kept per app: a picture never changes once stored)."""
    query = select(CertificateArt.png).filter_by(id=art_id)
    return kept("art_png", art_id, lambda: db.session.execute(query).scalar(), PICTURES_KEPT, PICTURES_BUDGET)
