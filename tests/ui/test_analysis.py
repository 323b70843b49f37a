"""Analyse in the window: quality signals as facets, columns and a review queue; the
text pass (word counts, whole-word search, user dictionary, diversity chart);
near-duplicate clusters; the dashboard's exports; and jieba staying out of startup."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.core.text import signals, wordpass as text
from app.core.query.filters import FacetSel, RangeSel, SearchSpec, SortSpec
from app.resources import demo_release
from app.ui.common import labels
from app.ui.browse.rows_model import COLUMN_INDEX

from .conftest import row

ROOT = Path(__file__).resolve().parents[2]


def settle(qtbot, win, timeout: int = 60000) -> None:
    """Until the release, its project frame, every analysis pass and every count are done."""
    a = win.commands.analysis
    qtbot.waitUntil(lambda: win.session.release is not None and not win.session.loading
                    and not win.search_bar.pending and not win.session.busy and win.session.facets is not None
                    and not win.curation.busy and a.idle(), timeout=timeout)


def open_release(qtbot, win, path: Path) -> None:
    win.open_paths([str(path)])
    settle(qtbot, win)


def click(qtbot, panel, item, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    panel.scrollToItem(item)
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, modifier, panel.visualItemRect(item).center())


def write_rows(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def shown(win, *columns: str) -> pl.DataFrame:
    """The table's rows (in order) as a frame of ``columns``."""
    return win.session.frame.select(*columns)[win.model.positions]


# ---- quality signals ------------------------------------------------------------------------------

def flaws(kind: str) -> set[tuple[str, int]]:
    table = (ROOT / "resources" / "demo" / "FLAWS.md").read_text(encoding="utf-8")
    return {(m[0], int(m[1])) for m in re.findall(r"^\| (\S+) \| (\d+) \| (\S+) \|", table, re.M) if m[2] == kind}


def test_titles_cover_every_registered_signal():
    assert set(labels.TITLES) == {*signals.REGISTRY, labels.NEAR_DUP}
    assert all(labels.TITLES[n] == s.title_en for n, s in signals.REGISTRY.items())


def test_signal_facet_click_filters_to_the_planted_flaws(qtbot, window):
    open_release(qtbot, window, demo_release())
    panel = window.facets
    item = panel.value_item("signals", "placeholder")
    assert item is not None and item.text(0) == "Placeholder or empty answer"
    assert int(item.text(1)) == len(flaws("placeholder")) == 4
    click(qtbot, panel, item)
    settle(qtbot, window)
    assert window.session.spec.facet("signals") == FacetSel(include=("placeholder",))
    assert set(shown(window, "file", "line").rows()) == flaws("placeholder")
    # Two signals in the facet OR together: the mobile number joins the placeholders.
    click(qtbot, panel, panel.value_item("signals", "pii_mobile"))
    settle(qtbot, window)
    assert set(shown(window, "file", "line").rows()) == flaws("placeholder") | flaws("pii-phone")
    # The Signals column names what each row has; it sorts by how many signals a row has.
    assert window.model.headerData(COLUMN_INDEX["signals"], Qt.Orientation.Horizontal) == "Signals"
    assert window.table.isColumnHidden(COLUMN_INDEX["signals"])  # in the column chooser, off by default
    cells = {window.model.index(r, COLUMN_INDEX["signals"]).data() for r in range(window.model.rowCount())}
    assert "Mobile number" in cells and "Placeholder or empty answer" in cells
    sort = SortSpec(window.model.sort_column(COLUMN_INDEX["signals"]), True)
    window.session.set_spec(window.session.spec.clear_all().with_sort(sort))
    settle(qtbot, window)
    counts = shown(window, "n_signals")["n_signals"].to_list()
    assert len(counts) == window.session.frame.height and counts == sorted(counts, reverse=True)
    assert counts[0] == 2 and counts[-1] == 0


def test_signal_review_queue_is_the_filtered_rows(qtbot, window):
    open_release(qtbot, window, demo_release())
    ui = window.commands.analysis
    ui.show_signals()
    panel = ui.dock.signals
    qtbot.waitUntil(lambda: panel.counts is not None)
    assert panel.counts["mojibake"] == 1 and panel.counts["llm_unverified"] == 3
    panel.tree.setCurrentItem(panel.item("llm_unverified"))
    panel.review_button.click()
    review = window.commands.review
    qtbot.waitUntil(lambda: review.active, timeout=10000)
    assert window.session.spec.facet("signals").include == ("llm_unverified",)
    assert len(review.controller.queue) == 3
    assert set(shown(window, "line")["line"].to_list()) == {12, 5, 13}
    review.leave(quiet=True)


def test_signals_follow_edits(qtbot, window, tmp_path):
    release = write_rows(tmp_path / "rel" / "a.jsonl", [row("问题一", "暂无"), row("问题二", "这是一个完整的回答。")])
    open_release(qtbot, window, release)
    assert shown(window, "sig_placeholder")["sig_placeholder"].to_list() == [True, False]
    rid = window.session.frame["rid"][0]
    from app.core.curate.edits import EditField

    assert window.curation.apply(EditField((rid,), "output", "一个完整的回答，已经修好了。")) is not None
    qtbot.waitUntil(lambda: window.session.frame["sig_placeholder"].to_list() == [False, False], timeout=20000)


# ---- the text pass ----------------------------------------------------------------------------------

@pytest.fixture()
def fruit(tmp_path) -> Path:
    return write_rows(tmp_path / "fruit" / "fruit.jsonl", [
        row("我爱吃苹果", "好的。"),
        row("我家门前有一棵苹果树", "很高。"),
        row("写一首关于春天的诗", "春眠不觉晓。"),
        row("写一首诗", "床前明月光。"),
        row("写一个故事", "从前有座山。"),
        row("翻译下面的句子", "Hello."),
        row("深度学习框架很好用", "是的。"),
    ])


def search_words(qtbot, win, term: str, mode: str) -> list[str]:
    bar = win.search_bar
    bar.mode.setCurrentIndex(bar.mode.findData(mode))
    bar.edit.setText(term)
    bar.commit()
    settle(qtbot, win)
    return shown(win, "instruction")["instruction"].to_list()


def test_word_search_matches_whole_words_before_and_after_the_text_pass(qtbot, window, fruit):
    open_release(qtbot, window, fruit)
    assert search_words(qtbot, window, "苹果", "literal") == ["我爱吃苹果", "我家门前有一棵苹果树"]
    assert search_words(qtbot, window, "苹果", "word") == ["我爱吃苹果"]  # cut on demand
    assert search_words(qtbot, window, "苹果树", "word") == ["我家门前有一棵苹果树"]
    window.registry["analyse.run_text"].trigger()
    settle(qtbot, window)
    ctl = window.commands.analysis.ctl
    assert ctl.words is not None and window.session.word_matcher.keywords["words"] is ctl.words
    assert search_words(qtbot, window, "苹果", "word") == ["我爱吃苹果"]  # from the cached words
    window.session.set_spec(window.session.spec.with_search(SearchSpec()))
    settle(qtbot, window)
    # Word counts are columns and range facets (the Words side of the length facets).
    frame = window.session.frame
    assert frame.filter(pl.col("instruction") == "写一首诗")["tok_instruction"].item() == 3
    ui = window.commands.analysis
    ui.unit_switch.words.click()
    assert ui.word_facets.isVisible() and not window.lengths.isVisible()
    qtbot.waitUntil(lambda: sum(ui.word_facets.charts["tok_instruction"].bars.opts["height"]) == 7)
    window.session.set_spec(window.session.spec.with_range("tok_instruction", RangeSel(4, None)))
    settle(qtbot, window)
    assert all(n >= 4 for n in shown(window, "tok_instruction")["tok_instruction"].to_list())
    assert ui.word_facets.charts["tok_instruction"].min_box.value() == 4


def test_cancel_stops_the_text_pass(qtbot, window, fruit):
    open_release(qtbot, window, fruit)
    ui = window.commands.analysis
    ui.run_text()
    window.registry["analyse.cancel"].trigger()  # at once: the queued or running pass is dropped
    assert ui.progress.isVisible() and ui.progress.cancel.isVisible()
    settle(qtbot, window)
    assert ui.ctl.tokens is None and "tok_instruction" not in window.session.frame.columns
    assert not ui.progress.isVisible()


def test_text_pass_restores_from_the_project_cache(qtbot, window, fruit):
    open_release(qtbot, window, fruit)
    window.commands.analysis.run_text()
    settle(qtbot, window)
    project = window.commands.analysis.ctl.project_dir
    assert (project / "cache" / "tokens.parquet").is_file()
    before = window.session.frame.select("rid", "tok_instruction", "verb", "noun")
    window.registry["file.reload"].trigger()
    settle(qtbot, window)
    assert window.session.frame.select("rid", "tok_instruction", "verb", "noun").equals(before)


def test_user_dictionary_persists_and_recounts_rows(qtbot, window, fruit):
    open_release(qtbot, window, fruit)
    ui = window.commands.analysis
    ui.run_text()
    settle(qtbot, window)

    def words(instruction: str) -> int:
        return window.session.frame.filter(pl.col("instruction") == instruction)["tok_instruction"].item()

    assert words("深度学习框架很好用") == 6
    window.registry["analyse.user_dict"].trigger()
    dialog = ui.dialog
    dialog.edit.setText("深度学习框架")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.terms() == ["深度学习框架"]
    assert text.user_terms(ui.ctl.project_dir) == ["深度学习框架"]  # written to the project at once
    settle(qtbot, window)
    assert words("深度学习框架很好用") == 4 and words("写一首诗") == 3
    assert not dialog.add("两个 词")  # a term with a space is refused, and said why
    assert dialog.error.isVisible()
    dialog.close()
    window.registry["analyse.user_dict"].trigger()  # a new dialog reads the project again
    assert ui.dialog.terms() == ["深度学习框架"]
    ui.dialog.list.item(0).setSelected(True)
    ui.dialog.remove_button.click()
    assert text.user_terms(ui.ctl.project_dir) == [] and ui.dialog.terms() == []
    settle(qtbot, window)  # (this process's jieba keeps the word: a tiny release is cut in process)
    ui.dialog.close()


def test_diversity_chart_builds_from_a_known_table_and_clicks_filter(qtbot, window, fruit):
    open_release(qtbot, window, fruit)
    ui = window.commands.analysis
    ui.run_text()
    settle(qtbot, window)
    window.registry["analyse.diversity"].trigger()
    settle(qtbot, window)
    chart = ui.dock.diversity
    expected = text.top_verb_nouns(window.session.frame.select("rid", "verb", "noun"), 20, 4)
    assert chart.table.equals(expected)
    assert chart.verbs[0] == "写" and chart.totals[0] == 3
    pieces = {(s.verb, s.noun): round(s.x1 - s.x0, 3) for s in chart.segments if s.verb == "写"}
    assert pieces == {("写", "诗"): 0.667, ("写", "故事"): 0.333}
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.point_of("写", "故事"))
    settle(qtbot, window)
    spec = window.session.spec
    assert spec.facet("verb").include == ("写",) and spec.facet("noun").include == ("故事",)
    assert shown(window, "instruction")["instruction"].to_list() == ["写一个故事"]
    assert chart.verbs[0] == "写" and chart._selected == ("写", "故事")  # the chart ignores its own selection
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.point_of("写"))
    settle(qtbot, window)
    assert not window.session.spec.facet("noun").active
    assert shown(window, "instruction")["instruction"].to_list() == ["写一首关于春天的诗", "写一首诗", "写一个故事"]
    path = chart.save_csv(Path(window.commands.analysis.ctl.project_dir) / "verbs.csv")
    assert pl.read_csv(path)["verb"][0] == "写"


# ---- near-duplicates ---------------------------------------------------------------------------------

def test_near_duplicate_threshold_reclusters_without_recomputing(qtbot, window, tmp_path, qtmodeltester):
    base = "这是一段很长的回答，用来测试近似重复的检测是否可靠，里面有足够多的汉字可以构成很多个四字片段。"
    rows = [row("问题甲", base), row("问题甲", base.replace("可靠", "稳妥")),
            row("问题乙", base[:30] + "完全不同的后半段内容，讲的是另外一件事情，与前面没有关系。"),
            row("无关问题", "一个完全无关的回答。")]
    open_release(qtbot, window, write_rows(tmp_path / "near" / "n.jsonl", rows))
    window.registry["analyse.near_dups"].trigger()
    settle(qtbot, window)
    ui = window.commands.analysis
    view, ctl = ui.dock.near, ui.ctl
    qtmodeltester.check(view.model)
    sigs = ctl.sigs
    assert view.model.rowCount() == 1 and ctl.clusters.members.height == 2
    view.spin.setValue(0.3)  # a lower threshold pulls the half-copy in
    qtbot.waitUntil(lambda: ctl.threshold == 0.3)
    settle(qtbot, window)
    assert ctl.sigs is sigs  # re-clustered from the same signatures
    assert ctl.clusters.members.height == 3 and ctl.clusters.threshold == 0.3
    # Stepping selects a cluster, and the table shows its rows; the cluster id is a column.
    window.registry["analyse.next_cluster"].trigger()
    settle(qtbot, window)
    assert window.session.spec.facet("near_cluster").include == ("0",)
    assert sorted(shown(window, "instruction")["instruction"].to_list()) == ["问题乙", "问题甲", "问题甲"]
    assert window.model.index(0, COLUMN_INDEX["near_cluster"]).data() == "0"
    # Near duplicates are a quality signal too.
    assert window.session.facets.counts["signals"].as_dict().get("near_dup") == 3


# ---- dashboard ------------------------------------------------------------------------------------------

def test_dashboard_exports_csv_and_png_of_the_current_filter(qtbot, loaded, tmp_path, monkeypatch):
    settle(qtbot, loaded)
    loaded.registry["analyse.dashboard"].trigger()
    settle(qtbot, loaded)
    tab = loaded.commands.analysis.dock.dashboard
    card = tab.cards["rows_by_source"]
    card.save_csv(tmp_path / "t1.csv")
    with open(tmp_path / "t1.csv", encoding="utf-8-sig") as fh:
        got = list(csv.DictReader(fh))
    per_source: dict[str, int] = {}
    for r in got:
        per_source[r["source"]] = per_source.get(r["source"], 0) + int(r["rows"])
    assert per_source == {"zhihu": 25, "ruozhiba": 20, "wiki": 15}
    assert card.chart.values == [float(r["rows"]) for r in got]  # the chart draws the CSV's numbers
    from app.ui.analysis import dashboard_tab

    monkeypatch.setattr(dashboard_tab, "ask_save_path", lambda *a: str(tmp_path / "answer.png"))
    tab.cards["answer_from"].png_button.click()
    image = QImage(str(tmp_path / "answer.png"))
    assert image.width() == 1200 and image.height() > 100
    # The tab follows the filter.
    loaded.session.set_spec(loaded.session.spec.toggle_include("source", "wiki"))
    settle(qtbot, loaded)
    card.save_csv(tmp_path / "wiki.csv")
    with open(tmp_path / "wiki.csv", encoding="utf-8-sig") as fh:
        assert [(r["source"], int(r["rows"])) for r in csv.DictReader(fh)] == [("wiki", 15)]
    assert "15 rows" in tab.summary.text()
    assert tab.cards["human_verified"].table.rows() == [("true", 10, 0.6667), ("false", 5, 0.3333)]


def test_decisions_per_curator_chart_exports_each_authors_counts(qtbot, loaded, tmp_path):
    from app.core.curate.edits import Accept, EditField, Reject

    settle(qtbot, loaded)
    loaded.registry["analyse.dashboard"].trigger()
    settle(qtbot, loaded)
    rids = loaded.session.frame["rid"].to_list()
    ctl = loaded.curation
    ctl.curation.author = "王"  # what the Curation settings dialog sets
    assert ctl.apply(Accept(tuple(rids[:3]))) and ctl.apply(Reject(tuple(rids[3:5]), "重复"))
    ctl.curation.author = "李"
    assert ctl.apply(EditField((rids[5],), "output", "改过的回答")) and ctl.apply(Reject((rids[0],), "错"))
    card = loaded.commands.analysis.dock.dashboard.cards["decisions_by_curator"]
    want = [("王", 2, 2, 0, 4), ("李", 0, 1, 1, 2)]
    qtbot.waitUntil(lambda: card.table is not None and card.table.rows() == want, timeout=20000)
    settle(qtbot, loaded)
    card.save_csv(tmp_path / "curators.csv")
    with open(tmp_path / "curators.csv", encoding="utf-8-sig") as fh:
        got = [(r["curator"], int(r["accepted"]), int(r["rejected"]), int(r["edited"]), int(r["total"]))
               for r in csv.DictReader(fh)]
    assert got == want
    assert card.isVisible() and card.chart.labels == ["王", "李"] and card.chart.values == [4.0, 2.0]


def test_statistics_are_computed_only_while_shown(qtbot, loaded):
    settle(qtbot, loaded)
    ui = loaded.commands.analysis
    assert ui.dock is None  # nothing built, nothing computed
    ui.show_dashboard()
    settle(qtbot, loaded)
    ui.dock.hide()
    tables = ui.dock.dashboard.cards["rows_by_source"].table
    loaded.session.set_spec(loaded.session.spec.toggle_include("source", "wiki"))
    settle(qtbot, loaded)
    assert ui.dock.dashboard.cards["rows_by_source"].table is tables


# ---- models and startup ---------------------------------------------------------------------------------

def test_rows_model_with_analysis_columns_passes_the_model_tester(qtbot, window, qtmodeltester):
    open_release(qtbot, window, demo_release())
    assert "signals" in window.session.frame.columns
    qtmodeltester.check(window.model)


def test_jieba_is_not_imported_at_startup_nor_by_a_cache_restore(tmp_path, small_release):
    from app.core.text import tokencache
    from app.core.store.curation import Curation
    from app.core.load.loader import load_release

    release = load_release([str(small_release)])
    curation = Curation.open(release, None, author="test")  # the project the app will open
    folder = curation.project.folder
    curation.close()
    tokencache.ensure(release.frame, folder)  # this process may import jieba; the app must not
    script = f"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings, QStandardPaths
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {str(tmp_path / "settings")!r})
QStandardPaths.setTestModeEnabled(True)
from app.ui.shell.startup import make_app
app, settings, fonts = make_app()
from app.ui.shell.main_window import MainWindow
w = MainWindow(settings, fonts)
w.show()
app.processEvents()
print("AT_START", "jieba" in sys.modules)
w.open_paths([{str(small_release)!r}])
end = time.time() + 60
ready = lambda: w.session.frame is not None and {{"tok_output", "signals"}} <= set(w.session.frame.columns)
while time.time() < end and not ready():
    app.processEvents()
    time.sleep(0.01)
print("READY", ready())
print("AFTER_RESTORE", "jieba" in sys.modules)
w.close()
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert "AT_START False" in out.stdout, out.stderr[-2000:]
    assert "READY True" in out.stdout, out.stderr[-2000:]
    assert "AFTER_RESTORE False" in out.stdout
