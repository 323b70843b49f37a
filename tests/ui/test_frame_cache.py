"""The app loads through the frame cache as the command line does (app/core/load/
framecache.py): the second open of an unchanged release is taken from the cache, with the
same frame; CQIA_NO_CACHE=1 bypasses it."""
from __future__ import annotations

from app.ui.browse.session import BrowseSession

from .conftest import PATIENCE_MS


def _open(qtbot, paths):
    session = BrowseSession()
    with qtbot.waitSignal(session.loadFinished, timeout=PATIENCE_MS) as done:
        session.open(paths)
    assert done.args[0], done.args[1]
    release = session.release
    writer = release.cache.get("frame-cache-writer")
    if writer is not None:
        writer.join()
    session.shutdown()
    return release


def test_the_app_opens_an_unchanged_release_from_the_cache(qtbot, app_env, small_release):
    first = _open(qtbot, [str(small_release)])
    assert first.cache["frame-cache"].hits == []
    second = _open(qtbot, [str(small_release)])
    assert sorted(second.cache["frame-cache"].hits) == sorted(f.rel for f in first.report.file_infos)
    assert second.frame.equals(first.frame) and second.report.to_json() == first.report.to_json()
    assert second.offsets.equals(first.offsets) and second.ends.equals(first.ends)
    assert not list(small_release.parent.glob("*.curation"))  # no project: the user's cache folder


def test_no_cache_environment_bypasses_it(qtbot, app_env, small_release, monkeypatch):
    monkeypatch.setenv("CQIA_NO_CACHE", "1")
    release = _open(qtbot, [str(small_release)])
    assert "frame-cache" not in release.cache
