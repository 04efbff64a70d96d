"""Creating people: one at a time or by CSV import, always inside the actor's scope."""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.auth.models import Region, Role, User, is_role
from lms.auth.permissions import in_area, may_manage_role, needs_home_region
from lms.auth.services import check_new_password, give_one_time_password, hash_password
from lms.core.i18n import language_list, languages
from lms.core.names import name_problem
from lms.core.phones import PhoneError, normalise_phone
from lms.core.plaintext import CONTROL_CHARACTERS, has_control_characters
from lms.core.transactions import service
from lms.extensions import db
from lms.people.csvfiles import CsvRow, ImportFailed, problem, read_csv
from lms.people.labels import role_name
from lms.people.lookalikes import flag_if_imitating
from lms.people.regions import find_region

USER_COLUMNS = ("name", "phone", "region")
OPTIONAL_USER_COLUMNS = ("role", "lang")
MAX_NAME_LENGTH = 200


class PersonError(ValueError):
    """A person's details break a rule; str() is a translatable message."""


class NumberTaken(PersonError):
    """The mobile number is already someone's."""


@dataclass
class NewPerson:
    """Checked details of someone about to be created."""

    name: str
    phone: str
    role: str
    lang: str
    region: Region | None


@dataclass
class Issued:
    """A created user and the one-time password handed to them."""

    user: User
    password: str


def check_person(name: str, raw_phone: str, role: str, lang: str, region_code: str | None) -> NewPerson:
    """Validate one person's details (not yet scope); raise PersonError."""
    if has_control_characters(name or ""):
        raise PersonError(CONTROL_CHARACTERS)
    if name and name.strip() and (refused := name_problem(name.strip())) is not None:
        raise PersonError(refused)  # before spaces are tidied, which would hide separators
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise PersonError(_l("A name is required (at most 200 characters)."))
    try:
        phone = normalise_phone(raw_phone)
    except PhoneError as error:
        raise PersonError(str(error)) from None
    if not is_role(role):
        raise PersonError(_l("Unknown role %(role)r.", role=role))
    _check_language(lang)
    region = _region_for(region_code, role)
    return NewPerson(name, phone, role, lang, region)


def _check_language(lang: str) -> None:
    """Refuse a language the site does not offer."""
    if lang not in languages():
        raise PersonError(
            _l("Unknown language %(lang)r: use %(languages)s.", lang=lang, languages=language_list())
        )


def _region_for(code: str | None, role: str) -> Region | None:
    """Look up the home region; only admins may have none."""
    if not code:
        if not needs_home_region(role):
            return None
        raise PersonError(_l("A region code is required."))
    region = find_region(code)
    if region is None:
        raise PersonError(_l("Unknown region %(code)s.", code=code))
    return region


def check_allowed(actor: User | None, person: NewPerson) -> None:
    """The actor (None = the command line) may create this person."""
    if actor is None:
        return
    if not may_manage_role(actor, person.role):
        raise PersonError(_l("You may not create users with the role %(role)s.", role=role_name(person.role)))
    if person.region is None or not in_area(actor, person.region):
        raise PersonError(
            _l("Region %(code)s is outside your area.", code=getattr(person.region, "code", "-"))
        )


def phone_taken(phone: str) -> bool:
    """Whether a user already signs in with this number."""
    return db.session.execute(db.select(User.id).filter_by(phone=phone)).first() is not None


@service
def create_user(person: NewPerson, password: str, creator: User | None = None) -> User:
    """Create one user with a chosen password (command line, demo data)."""
    user = add_user(person, password, creator)
    return user


def add_user(person: NewPerson, password: str, creator: User | None = None) -> User:
    """Add a user with a chosen password unless the number is taken or the password too weak
    (the same rules on the web and the command line; flushes, the caller commits)."""
    check_new_password(person.phone, password)
    if phone_taken(person.phone):
        raise NumberTaken(_l("The number %(phone)s is already registered.", phone=person.phone))
    user = _new_user(person, hash_password(password), creator)
    db.session.flush()
    flag_if_imitating(creator or user, user)
    return user


def _new_user(person: NewPerson, password_hash: str, creator: User | None) -> User:
    """Add a User built from checked details to the session."""
    user = _build_user(person, password_hash, creator)
    db.session.add(user)
    return user


def _build_user(person: NewPerson, password_hash: str, creator: User | None) -> User:
    """A User built from checked details."""
    return User(
        name=person.name,
        phone=person.phone,
        role=person.role,
        lang=person.lang,
        region=person.region,
        password_hash=password_hash,
        created_by_id=creator.id if creator else None,
    )


def import_users(
    data: bytes,
    filename: str,
    actor: User | None = None,
    progress: Callable[[int], None] | None = None,
    allowed: Callable[[NewPerson], None] | None = None,
) -> list[Issued]:
    """Every user in a CSV with a one-time password, or none if any row is bad.

    The users are built but not added to the session: the caller adds them (`add_issued`)
    once the passwords are safely written out, so the slow hashing and sheet rendering happen
    before the database is written to (SQLite holds one writer at a time).
    """
    rows = read_csv(data, filename, USER_COLUMNS, OPTIONAL_USER_COLUMNS)
    people, problems, first_line = [], [], {}
    for row in rows:
        try:
            person = _check_row(row, actor, allowed)
            _check_once_in_file(person, row.line, first_line)
            people.append((row.line, person))
        except PersonError as error:
            problems.append(problem(filename, row.line, error))
    if problems:
        raise ImportFailed(problems)
    _refuse_registered(people, filename)
    issued = []
    for _line, person in people:  # hashing each password is the slow part: report progress
        issued.append(_issue(person, actor))
        if progress:
            progress(1)
    return issued


def add_issued(issued: list[Issued]) -> None:
    """Add imported users to the session (flushes; they get their ids)."""
    db.session.add_all([item.user for item in issued])
    db.session.flush()


def _check_row(row: CsvRow, actor: User | None, allowed: Callable[[NewPerson], None] | None) -> NewPerson:
    """Check one import row, including the actor's scope (or the caller's own rule)."""
    values = row.values
    role = values.get("role") or Role.SAHAYAK.value
    lang = values.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]
    person = check_person(values["name"], values["phone"], role, lang, values["region"])
    if allowed is not None:
        allowed(person)
    else:
        check_allowed(actor, person)
    return person


def registered_phones(raw_phones) -> set[str]:
    """Which of these numbers are already registered, in a few queries."""
    phones = set()
    for raw in raw_phones:
        with suppress(PhoneError):  # reported per row
            phones.add(normalise_phone(raw))
    found, ordered = set(), sorted(phones)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(db.session.execute(db.select(User.phone).where(User.phone.in_(chunk))).scalars())
    return found


def _check_once_in_file(person: NewPerson, line: int, first_line: dict[str, int]) -> None:
    """A number may appear once in the file."""
    if person.phone in first_line:
        raise PersonError(_l("the number is already on line %(line)d", line=first_line[person.phone]))
    first_line[person.phone] = line


CANNOT_REGISTER = _l(
    "this number cannot be registered here; if it is already someone's, they sign in with it "
    "and join a batch with its code"
)


def _refuse_registered(people: list[tuple[int, NewPerson]], filename: str) -> None:
    """ImportFailed if any number is registered already. Asked only of a file whose every row
    is otherwise good (such a file registers everyone else), and said in words that do not
    confirm the number is someone's: a file of numbers is no way to learn who is registered."""
    registered = registered_phones(person.phone for _line, person in people)
    problems = [
        problem(filename, line, CANNOT_REGISTER) for line, person in people if person.phone in registered
    ]
    if problems:
        raise ImportFailed(problems)


def _issue(person: NewPerson, actor: User | None) -> Issued:
    """A new user (not yet in the session) with a fresh one-time password they must change."""
    user = _build_user(person, "", actor)
    return Issued(user, give_one_time_password(user))


@service
def set_language(user: User, lang: str) -> None:
    """Store a user's preferred language."""
    _check_language(lang)
    user.lang = lang
