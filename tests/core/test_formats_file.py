"""formats.json: the per-file formats a project keeps, read and written by the core, and
used by every command-line verb that loads the release (found as the app finds it)."""
from __future__ import annotations

import json

import pytest

from app.core.store.curation import Curation
from app.core.load.formats import Shape
from app.core.load.loader import load_release
from app.core.load.formatsfile import FORMATS_FILE, FormatsFileError, read_shapes, set_shape, write_shapes
from app.core.store.project import SIDE_FILES, copy_side_files
from tests.core.cli_support import run_cli

SEEDS = [{"instruction": "写诗", "instances": [{"input": "夏天", "output": "不但春妍夏亦佳"}]},
         {"instruction": "同义词", "instances": [{"input": "惊人地", "output": "令人惊奇地"}]}]
MAPPING = {"instruction": "instruction", "input": "instances[0].input", "output": "instances[0].output"}


def test_shapes_round_trip_and_a_file_can_go_back_to_detection(tmp_path):
    assert read_shapes(tmp_path) == {} and read_shapes(None) == {}
    set_shape(tmp_path, "belle/seed.json", Shape("other", MAPPING))
    set_shape(tmp_path, "a.jsonl", Shape("alpaca"))
    got = read_shapes(tmp_path)
    assert got == {"a.jsonl": Shape("alpaca"), "belle/seed.json": Shape("other", MAPPING)}
    assert json.loads((tmp_path / FORMATS_FILE).read_text())["format"] == "cqia-curator-formats/1"
    assert set_shape(tmp_path, "a.jsonl", None) == {"belle/seed.json": Shape("other", MAPPING)}
    write_shapes(tmp_path, {})
    assert read_shapes(tmp_path) == {}
    assert FORMATS_FILE in SIDE_FILES  # goes along when the project moves
    (tmp_path / "moved").mkdir()
    assert FORMATS_FILE in copy_side_files(tmp_path, tmp_path / "moved")


@pytest.mark.parametrize("text, reason", [
    ("{", "not JSON"),
    ('{"files": {}}', "not a formats file"),
    ('{"format": "cqia-curator-formats/1", "files": {"a.jsonl": {"format": "csv"}}}', "a.jsonl: unknown format 'csv'"),
    ('{"format": "cqia-curator-formats/1", "files": {"a.jsonl": {"format": "other", "mapping": {"output": "x["}}}}',
     "a.jsonl: bad index in JSON path"),
])
def test_a_damaged_formats_file_is_an_error_naming_it(tmp_path, text, reason):
    (tmp_path / FORMATS_FILE).write_text(text)
    with pytest.raises(FormatsFileError) as err:
        read_shapes(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / FORMATS_FILE}: ") and reason in str(err.value)


def test_the_command_line_reads_the_release_as_its_project_says(tmp_path):
    release = tmp_path / "seeds"
    release.mkdir()
    (release / "seed.json").write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in SEEDS) + "\n", encoding="utf-8")
    home = tmp_path / "home"
    plain = run_cli(home, "stats", str(release), "--json")
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["length"]["output"]["max"] == 0  # BELLE's answers are in instances
    Curation.open(load_release(release)).close()  # the project, beside the release, as the app makes it
    project = tmp_path / "seeds.curation"
    set_shape(project, "seed.json", Shape("other", MAPPING))
    mapped = run_cli(home, "stats", str(release), "--json")
    assert json.loads(mapped.stdout)["length"]["output"]["max"] == len("不但春妍夏亦佳")
    report = json.loads(run_cli(home, "validate", str(release), "--json").stdout)
    assert report["file_formats"] == [{"file": "seed.json", "format": "other", "rows": 2}]
    bare = run_cli(home, "stats", str(release), "--json", "--no-project")
    assert json.loads(bare.stdout)["length"]["output"]["max"] == 0
    (project / FORMATS_FILE).write_text("{")
    broken = run_cli(home, "validate", str(release))
    assert broken.returncode == 2 and broken.stderr.startswith(f"error: {project / FORMATS_FILE}: not JSON")


def test_contamination_reads_the_release_as_its_project_says(tmp_path):
    """Every verb that loads the release reads the mapped fields: here the benchmark
    question is instruction + the input that lives in BELLE's instances."""
    release = tmp_path / "seeds"
    release.mkdir()
    (release / "seed.json").write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in SEEDS) + "\n", encoding="utf-8")
    bench = tmp_path / "bench.jsonl"
    bench.write_text(json.dumps({"question": "写诗夏天"}, ensure_ascii=False) + "\n", encoding="utf-8")
    Curation.open(load_release(release)).close()
    set_shape(tmp_path / "seeds.curation", "seed.json", Shape("other", MAPPING))
    home = tmp_path / "home"
    out = run_cli(home, "contamination", str(release), "--benchmark", str(bench), "--ngram", "2", "--json")
    assert out.returncode == 0, out.stderr
    [match] = json.loads(out.stdout)["matches"]
    assert (match["line"], match["overlap"]) == (1, 1.0)
