"""YAML front matter between `---` lines, with the line of every key."""

from dataclasses import dataclass, field

import yaml
from flask_babel import lazy_gettext as _l


@dataclass
class FrontMatter:
    """Parsed front matter: values, the line of each key, and where the body starts."""

    values: dict = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_start: int = 1  # 1-based line number of the first body line
    problems: list[tuple[int, str]] = field(default_factory=list)


def split_front_matter(lines: list[str]) -> FrontMatter:
    """Parse front matter at the top of `lines`; problems carry 1-based line numbers."""
    result = FrontMatter()
    if not lines or lines[0].strip() != "---":
        result.problems.append((1, _l("the file must start with front matter between --- lines")))
        return result
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        result.problems.append((1, _l("the front matter is not closed with a --- line")))
        return result
    result.body_start = end + 2
    _parse_yaml("\n".join(lines[1:end]), result)
    return result


def _unreadable_line(text: str) -> int:
    """The file line of the first value that YAML parses but Python cannot hold."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    for _key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        try:
            yaml.SafeLoader("").construct_object(value, deep=True)
        except ValueError:
            return value.start_mark.line + 2
    return 2


def _parse_yaml(text: str, result: FrontMatter) -> None:
    """Fill values and key lines (YAML line 1 is file line 2)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        result.problems.append((line, _l("front matter is not valid YAML: %(problem)s", problem=problem)))
        return
    except ValueError:  # a value YAML reads but Python cannot hold: a 5,000-digit number, 2026-02-30
        result.problems.append((_unreadable_line(text), _l("a number or date here cannot be read")))
        return
    if values is None:
        values = {}
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode | type(None)):
        result.problems.append((2, _l("front matter must be a list of key: value lines")))
        return
    result.values = values
    for key_node, _value in node.value if node else ():
        result.key_lines[str(key_node.value)] = key_node.start_mark.line + 2
