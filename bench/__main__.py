"""Run one benchmark: python -m bench NAME. Prints its figures, then `NAME: VALUE UNIT`."""

import importlib
import sys

BENCHMARKS = (
    "pages",
    "certificate",
    "bulk",
    "render40k",
    "workshop",
    "weight",
    "dashboard",
    "jobs",
    "imports",
)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in BENCHMARKS:
        print(f"usage: python -m bench {{{','.join(BENCHMARKS)}}}", file=sys.stderr)
        return 2
    name = argv[0]
    value, unit = importlib.import_module(f"bench.{name}").run()
    print(f"{name}: {value:.2f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
