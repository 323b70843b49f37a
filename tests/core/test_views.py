"""Saved views: a small JSON file of name -> filter text, rewritten atomically."""
from __future__ import annotations

import errno
import json

import pytest

from app.core.io import atomic
from app.core.io.atomic import SaveError
from app.core.query.filters import FilterSpec, RangeSel, SearchSpec, SortSpec
from app.core.query.views import ViewStore

LAW = FilterSpec().toggle_include("domain", "法律").with_range("len_output", RangeSel(10, 500))
SOY = FilterSpec().with_search(SearchSpec("豆浆", mode="regex")).with_sort(SortSpec("len_output", True))


def test_save_get_list_delete_and_persist(tmp_path):
    path = tmp_path / "sub" / "views.json"
    store = ViewStore(path)
    assert store.names() == [] and store.list() == [] and not path.exists()
    store.save("法律 长回答", LAW)
    store.save("soy", SOY)
    again = ViewStore(path)  # a fresh store reads what the first one wrote
    assert again.names() == ["soy", "法律 长回答"]
    assert again.get("法律 长回答") == LAW and again.list() == [("soy", SOY), ("法律 长回答", LAW)]
    assert "soy" in again and "nope" not in again
    store.save("soy", LAW)  # overwrite
    assert again.get("soy") == LAW
    assert again.delete("soy") is True and again.delete("soy") is False
    assert store.names() == ["法律 长回答"]
    with pytest.raises(KeyError):
        store.get("soy")


def test_file_is_readable_json_with_unescaped_chinese(tmp_path):
    path = tmp_path / "views.json"
    ViewStore(path).save("  法律  ", LAW)
    raw = path.read_text(encoding="utf-8")
    assert "法律" in raw and "\\u" not in raw
    data = json.loads(raw)
    assert data == {"version": 1, "views": {"法律": LAW.to_text()}}
    assert [p.name for p in tmp_path.iterdir()] == ["views.json"]  # no temp file left behind


@pytest.mark.parametrize("name", ["", "   ", None])
def test_empty_name_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="non-empty name"):
        ViewStore(tmp_path / "v.json").save(name, LAW)


@pytest.mark.parametrize("content, msg", [
    ("{not json", "not valid JSON"), ('{"views": []}', "'views' object"), ('{"views": {"a": 1}}', "'views' object"),
    ('{"version": 9, "views": {}}', "unsupported version"),
])
def test_corrupt_file_is_a_clear_error_and_not_overwritten(tmp_path, content, msg):
    path = tmp_path / "views.json"
    path.write_text(content, encoding="utf-8")
    store = ViewStore(path)
    with pytest.raises(ValueError, match=msg):
        store.names()
    with pytest.raises(ValueError, match=msg):
        store.save("x", LAW)
    assert path.read_text(encoding="utf-8") == content


def test_a_view_with_bad_filter_text_fails_on_read(tmp_path):
    path = tmp_path / "views.json"
    path.write_text(json.dumps({"version": 1, "views": {"bad": '{"facets":7}'}}), encoding="utf-8")
    assert ViewStore(path).names() == ["bad"]
    with pytest.raises(ValueError, match="facets must be a JSON object"):
        ViewStore(path).get("bad")


def test_failed_write_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "views.json"
    store = ViewStore(path)
    store.save("a", LAW)
    before = path.read_bytes()

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", disk_full)
    with pytest.raises(SaveError, match="disk is full"):
        store.save("b", SOY)
    monkeypatch.undo()
    assert path.read_bytes() == before and store.names() == ["a"]
    assert [p.name for p in tmp_path.iterdir()] == ["views.json"]  # temp file removed
