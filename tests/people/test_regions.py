"""The region tree: CSV import, re-import, all-or-nothing errors, subtree paths."""

from lms.auth.models import Region
from lms.extensions import db
from lms.people.csvfiles import ImportFailed
from lms.people.regions import find_region, import_regions, region_trail

TREE = """code,name,kind,parent,lok_sabha
WB,West Bengal,state,,
WB-KOL,কলকাতা,district,WB,
AC-BHA,Bhabanipur,assembly,WB-KOL,Kolkata Dakshin
B-1,ভবানীপুর বুথ ১,booth,AC-BHA,
WB-DAR,दार्जिलिंग,district,WB,
"""


def regions() -> dict[str, Region]:
    return {r.code: r for r in db.session.execute(db.select(Region)).scalars()}


def test_import_builds_tree_with_paths(app):
    result = import_regions(TREE.encode(), "tree.csv")
    assert (result.created, result.updated) == (5, 0)
    found = regions()
    assert found["WB-KOL"].name == "কলকাতা"
    assert found["AC-BHA"].lok_sabha == "Kolkata Dakshin"
    assert found["B-1"].parent.code == "AC-BHA"
    wb, kol, ac, booth = (found[c] for c in ("WB", "WB-KOL", "AC-BHA", "B-1"))
    assert booth.path == f"/{wb.id}/{kol.id}/{ac.id}/{booth.id}/"
    assert [r.code for r in region_trail(booth)] == ["WB", "WB-KOL", "AC-BHA", "B-1"]


def test_children_may_come_before_parents(app):
    shuffled = "code,name,kind,parent\nB-1,Booth,booth,AC-1\nAC-1,AC,assembly,WB\nWB,West Bengal,state,\n"
    import_regions(shuffled.encode(), "f.csv")
    assert find_region("B-1").path.count("/") == 4


def test_reimport_updates_never_duplicates(app):
    import_regions(TREE.encode(), "tree.csv")
    changed = TREE.replace("Bhabanipur,assembly,WB-KOL", "Bhowanipore,assembly,WB-DAR")
    result = import_regions(changed.encode(), "tree.csv")
    assert (result.created, result.updated) == (0, 5)
    found = regions()
    assert len(found) == 5
    assert found["AC-BHA"].name == "Bhowanipore"
    # Moving a constituency moves its booths' paths too.
    assert found["B-1"].path.startswith(found["WB-DAR"].path)


def test_a_bad_row_imports_nothing_and_names_every_line(app):
    bad = (
        "code,name,kind,parent\n"
        "WB,West Bengal,state,\n"
        "WB-KOL,Kolkata,district,NOPE\n"
        "bad code!,Somewhere,district,WB\n"
        "WB,Again,state,\n"
        "X,,District,WB\n"
    )
    try:
        import_regions(bad.encode(), "bad.csv")
    except ImportFailed as failure:
        problems = failure.problems
    else:
        raise AssertionError("import should fail")
    assert any(p.startswith("bad.csv:4: code 'bad code!'") for p in problems)
    assert any(p.startswith("bad.csv:5: code WB already used on line 2") for p in problems)
    assert any(p.startswith("bad.csv:6: name is required") for p in problems)
    assert any(p.startswith("bad.csv:6: kind 'District'") for p in problems)
    db.session.rollback()
    assert regions() == {}


def test_unknown_parent_and_cycles_are_reported(app):
    import_regions(TREE.encode(), "tree.csv")
    cyclic = "code,name,kind,parent\nWB,West Bengal,state,B-1\nX,X,district,MISSING\n"
    try:
        import_regions(cyclic.encode(), "cycle.csv")
    except ImportFailed as failure:
        assert "cycle.csv:2: region WB would be its own ancestor" in failure.problems
        assert "cycle.csv:3: unknown parent MISSING" in failure.problems
    else:
        raise AssertionError("import should fail")
    db.session.rollback()
    assert regions()["WB"].parent is None


def test_file_level_problems(app):
    cases = {
        b"code,name\nWB,West Bengal\n": "f.csv:1: missing column(s): kind, parent",
        b"code,name,kind,parent,colour\n": "f.csv:1: unknown column(s): colour",
        b"code,name,kind,parent\n": "f.csv:1: the file has no data rows",
        b"code,name,kind,parent\nWB,West \xff Bengal,state,\n": "f.csv:2: the file is not UTF-8 text",
        b"code,name,kind,parent\nWB,West Bengal,state\n": "f.csv:2: expected 4 values, found 3",
    }
    for data, expected in cases.items():
        try:
            import_regions(data, "f.csv")
        except ImportFailed as failure:
            assert expected in failure.problems, failure.problems
        else:
            raise AssertionError(f"{data!r} should fail")


def test_byte_order_mark_and_blank_lines_are_fine(app):
    data = "\ufeffcode,name,kind,parent\r\nWB,West Bengal,state,\r\n\r\nWB-KOL,Kolkata,district,WB\r\n"
    assert import_regions(data.encode(), "bom.csv").created == 2


def test_cli_import_reports_lines_and_writes_nothing(runner, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(TREE, encoding="utf-8")
    bad.write_text("code,name,kind,parent\nA,A,state,\nB,B,district,ZZZ\n", encoding="utf-8")
    result = runner.invoke(args=["regions", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3: unknown parent ZZZ" in result.output
    assert "nothing was imported" in result.output
    assert regions() == {}
    result = runner.invoke(args=["regions", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "5 regions created, 0 updated." in result.output
    result = runner.invoke(args=["regions", "import", str(good)])
    assert "0 regions created, 5 updated." in result.output


def test_a_typed_code_is_found_in_any_case_unless_that_is_ambiguous(app):
    import_regions(TREE.encode(), "tree.csv")
    assert find_region(" ac-bha ").code == "AC-BHA" and find_region("wb-kol").code == "WB-KOL"
    assert find_region("AC-BHA").code == "AC-BHA" and find_region("") is None and find_region("nope") is None
    import_regions(b"code,name,kind,parent\nac-bha,Another,assembly,WB-KOL\n", "more.csv")
    assert find_region("ac-bha").name == "Another" and find_region("AC-BHA").name == "Bhabanipur"
    assert find_region("Ac-Bha") is None  # two codes differ only in case: say it is unknown


def test_the_region_picker_finds_names_and_codes_in_the_actors_area_only(world, make_region):
    from lms.people.regions import matching_regions

    make_region("B-KOL-2", parent=world.booth.parent, kind="booth", name="Mitra Institution booth")
    names = lambda actor, text: [r.code for r in matching_regions(actor, text)]  # noqa: E731
    assert names(world.head_kol, "mitra") == ["B-KOL-2"]  # any case
    assert set(names(world.head_kol, "b-kol-")) == {"B-KOL-1", "B-KOL-2"}  # codes too
    assert names(world.head_kol, "darjeeling") == [] and names(world.admin, "darjeeling") == ["WB-DAR"]
    assert names(world.head_kol, "kol")[0] == "WB-KOL"  # higher levels first
    assert names(world.head_kol, "%") == [] and names(world.head_kol, "_") == []  # typed literally
    assert names(world.head_kol, "  ") == []
    assert len(matching_regions(world.admin, "-", limit=2)) == 2
