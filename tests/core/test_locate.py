"""Where a release's project is: the rule the app and the command line share."""
from __future__ import annotations

from app.core.store import locate
from app.core.store.curation import Curation
from app.core.load.loader import load_release
from app.core.store.project import default_project_dir, fallback_project_dir
from app.resources import demo_release

from .curation_support import make_file, make_tree


def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_release_place_is_what_loading_gives(tmp_path):
    tree = make_tree(tmp_path)
    one = make_file(tmp_path / "single")
    two = [tree / "alpha" / "a.jsonl", tree / "beta" / "b.jsonl"]
    for paths in (tree, one, two, str(one)):
        release = load_release(paths)
        place = locate.release_place(paths)
        assert (place.paths, place.root) == (release.paths, release.root)
        assert default_project_dir(place) == default_project_dir(release)


def test_the_order_remembered_beside_fallback_and_where_a_new_one_goes(tmp_path, monkeypatch):
    _env(monkeypatch, tmp_path)
    release = load_release(make_file(tmp_path / "rel"))
    beside, spare = default_project_dir(release), fallback_project_dir(release)
    where = locate.locate_project(release)
    assert (where.folder, where.exists, where.how, where.fallback) == (beside, False, "beside", spare)
    assert not beside.exists() and not spare.exists() and not (tmp_path / "config").exists()  # looking creates nothing

    Curation.open(release, spare).close()
    assert locate.locate_project(release) == locate.Location(spare, True, "fallback")
    Curation.open(release, beside).close()
    assert locate.locate_project(release) == locate.Location(beside, True, "beside")  # beside wins over fallback
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    locate.remember_project_dir(release, chosen)
    assert locate.locate_project(release) == locate.Location(chosen, False, "remembered")
    chosen.rmdir()  # a remembered folder that is gone is forgotten
    assert locate.locate_project(release).how == "beside"


def test_a_damaged_memory_file_is_no_remembered_folder(tmp_path, monkeypatch):
    _env(monkeypatch, tmp_path)
    release = load_release(make_file(tmp_path / "rel"))
    memory = tmp_path / "config" / "cqia-curator" / locate.MEMORY_FILE
    memory.parent.mkdir(parents=True)
    for junk in (b"\xff{", b"[1, 2]", b'{"projects": ["x"]}', b'{"projects": {"k": 5}}'):
        memory.write_bytes(junk)
        assert locate.remembered_project_dir(release) is None
    locate.remember_project_dir(release, tmp_path / "x")  # overwrites the junk
    assert str(tmp_path / "x") in memory.read_text()


def test_the_demo_release_keeps_its_project_in_the_app_data_folder(tmp_path, monkeypatch):
    _env(monkeypatch, tmp_path)
    place = locate.release_place(demo_release())
    where = locate.locate_project(place)
    assert where.how == "bundled" and where.folder == locate.app_data_dir() / "projects" / "demo.curation"
    assert str(where.folder).startswith(str(tmp_path / "data"))
