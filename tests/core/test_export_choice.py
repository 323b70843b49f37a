"""Export choices (issue 25, point 6): the current filter only, accepted rows only, the
tree layout by default for a tree release, and the locator (_source) when asked; the
same in the CLI (`export --filter/--accepted-only/--with-locator`), headless."""
from __future__ import annotations

import json

import polars as pl

from app.core.curate.edits import Accept, EditField, Reject
from app.core.curate.overlay import Overlay
from app.core.export.export_choice import chosen_rids, default_layout, view_from_text
from app.core.export.exporter import export_release
from app.core.load.loader import load_release
from app.core.query.filters import FacetSel, FilterSpec

from .cli_support import run_cli
from .curation_support import good_lines, load, make_file, make_tree
from .test_edits import run


def rows_of(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if line.strip()]


def _beta_only() -> FilterSpec:
    return FilterSpec().with_facet("subset", FacetSel(include=("b",)))


def test_filter_only_exports_the_filters_rows_byte_for_byte(tmp_path):
    rel = load(make_tree(tmp_path))
    rids = chosen_rids(rel, Overlay(), _beta_only())
    res = export_release(rel, None, tmp_path / "beta.jsonl", rows=rids)
    kept = good_lines(rel)
    assert rows_of((tmp_path / "beta.jsonl").read_bytes()) == kept[7:]  # the two rows of beta/b.jsonl, as they were
    assert res.rows == 2 and res.left_out == 7


def test_accepted_only_and_a_rejected_row_in_the_filter(tmp_path):
    rel = load(make_tree(tmp_path))
    rid = rel.frame["rid"]
    ov, _ = run(rel, Overlay(), Accept([rid[1], rid[8]]))
    ov, _ = run(rel, ov, EditField([rid[8]], "output", "改过"))
    ov, _ = run(rel, ov, Reject([rid[7]], "重复"))
    only = chosen_rids(rel, ov, None, accepted_only=True)
    assert sorted(only.to_list()) == sorted([rid[1], rid[8]])
    res = export_release(rel, ov, tmp_path / "acc.jsonl", rows=only)
    lines = rows_of((tmp_path / "acc.jsonl").read_bytes())
    assert lines[0] == good_lines(rel)[1] and json.loads(lines[1])["output"] == "改过"
    assert res.rows == 2 and res.edited == 1
    # accepted within a filter: both conditions
    both = chosen_rids(rel, ov, _beta_only(), accepted_only=True)
    assert both.to_list() == [rid[8]]
    # the filter's rejected row stays rejected (left out), the rest of the filter is written
    res = export_release(rel, ov, tmp_path / "f.jsonl", rows=chosen_rids(rel, ov, _beta_only()))
    assert res.rows == 1 and res.rejected_dropped == 1 and res.left_out == 7


def test_with_locator_splices_where_each_row_came_from(tmp_path):
    rel = load(make_tree(tmp_path))
    rid = rel.frame["rid"]
    ov, _ = run(rel, Overlay(), EditField([rid[0]], "output", "新"))
    res = export_release(rel, ov, tmp_path / "loc.jsonl", with_locator=True)
    lines = rows_of((tmp_path / "loc.jsonl").read_bytes())
    frame = rel.frame
    for i, line in enumerate(lines):
        obj = json.loads(line)
        want = {"file": frame["file"][i], "line": frame["line"][i], "subset": frame["subset"][i],
                "source": frame["source"][i]}
        assert obj["_source"] == want
        assert list(obj)[-1] == "_source"
    assert json.loads(lines[0])["output"] == "新"
    # the rest of an unchanged row's bytes stay: the original line up to its closing brace
    kept = good_lines(rel)
    assert lines[1].startswith(kept[1].rstrip()[:-1])
    assert res.rows == 9
    # without it, nothing is added
    export_release(rel, ov, tmp_path / "plain.jsonl")
    assert all("_source" not in json.loads(x) for x in rows_of((tmp_path / "plain.jsonl").read_bytes()))


def test_default_layout_is_the_tree_for_a_tree_release(tmp_path):
    assert default_layout(load(make_tree(tmp_path / "t"))) == "tree"
    assert default_layout(load(make_file(tmp_path / "f"))) == "single"


def test_a_tree_export_reopens_with_the_same_source_and_subset(tmp_path):
    rel = load(make_tree(tmp_path))
    export_release(rel, None, tmp_path / "out", layout=default_layout(rel))
    again = load_release(tmp_path / "out")
    cols = ["source", "subset", "instruction"]
    assert again.frame.select(cols).equals(rel.frame.select(cols))


def test_view_text_or_saved_name(tmp_path):
    spec = _beta_only()
    assert view_from_text(spec.to_text(), views=None) == spec
    store = tmp_path / "views.json"
    store.write_text(json.dumps({"version": 1, "views": {"beta": spec.to_text()}}), encoding="utf-8")
    assert view_from_text("beta", views=store) == spec
    try:
        view_from_text("nope", views=store)
    except ValueError as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("an unknown view name must be refused")


def test_cli_export_filter_accepted_only_with_locator(tmp_path):
    root = make_tree(tmp_path)
    rel = load(root)
    decisions = tmp_path / "d.jsonl"
    decisions.write_text("\n".join(json.dumps({"file": f, "line": n, "op": "accept"})
                                   for f, n in rel.frame.select("file", "line").rows()[6:9]) + "\n")
    done = run_cli(tmp_path, "apply", root, decisions)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "o.jsonl"
    done = run_cli(tmp_path, "export", root, "--out", out, "--filter", _beta_only().to_text(), "--accepted-only",
                   "--with-locator")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(x) for x in rows_of(out.read_bytes())]
    assert [x["_source"]["file"] for x in lines] == ["beta/b.jsonl", "beta/b.jsonl"]
    assert "exported 2 rows" in done.stderr and "7 not chosen" in done.stderr
    bad = run_cli(tmp_path, "export", root, "--out", out, "--filter", "no such view")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "no such view" in bad.stderr
    # tree layout by its name
    done = run_cli(tmp_path, "export", root, "--out", tmp_path / "tree", "--layout", "tree", "--accepted-only")
    assert done.returncode == 0, done.stderr
    again = load_release(tmp_path / "tree").frame
    assert again.height == 3 and set(again["source"]) == {"alpha", "beta"}
    assert pl.Series(again["subset"]).to_list() == ["a", "b", "b"]


def test_an_array_and_a_parquet_file_export_the_chosen_rows_with_their_locators(formats_root, tmp_path):
    """The choices reach every format's writer: a JSON array keeps the chosen records (valid
    JSON, each with its `_source`), a Parquet file its chosen rows with a `_source` column."""
    src = tmp_path / "rel"
    src.mkdir()
    (src / "alpaca.json").write_bytes((formats_root / "llamafactory" / "alpaca_zh_demo.json").read_bytes())
    pl.read_json(formats_root / "llamafactory" / "alpaca_zh_demo.json").head(50).write_parquet(src / "hub.parquet")
    rel = load_release(src)
    frame = rel.frame
    keep = frame.filter((pl.col("line") % 10 == 1)).get_column("rid")  # records 1, 11, 21, ... of each file
    res = export_release(rel, None, tmp_path / "out", layout="tree", rows=keep, with_locator=True)
    array = json.loads((tmp_path / "out" / "alpaca.json").read_text(encoding="utf-8"))
    assert [r["_source"]["line"] for r in array] == list(range(1, 1001, 10))
    assert array[1]["_source"] == {"file": "alpaca.json", "line": 11, "subset": "alpaca", "source": "alpaca"}
    assert {k: v for k, v in array[1].items() if k != "_source"} == json.loads(
        (formats_root / "llamafactory" / "alpaca_zh_demo.json").read_text(encoding="utf-8"))[10]
    hub = pl.read_parquet(tmp_path / "out" / "hub.parquet")
    assert hub["_source"].struct.field("line").to_list() == list(range(1, 51, 10))
    assert res.rows == 100 + 5 and res.left_out == 900 + 45
