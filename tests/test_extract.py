"""The batch command: inputs, outputs, bad files, exit status. Rules only (no model) to stay fast."""
import csv
import json
from pathlib import Path

import pytest

from ie.cli import main
from ie.export import output_names
from ie.extract import collect_inputs, extract_file
from ie.schema import schema_errors


def run_cli(*args) -> int:
    return main(["extract", "--quiet", "--no-model", *map(str, args)])


def test_extract_output_names_disambiguate_shared_stems():
    names = output_names([Path("a/r.txt"), Path("a/r.pdf"), Path("b/s.txt"), Path("c/s.md"), Path("d/t.txt")])
    assert names[Path("a/r.txt")] == "r.txt.json"
    assert names[Path("a/r.pdf")] == "r.pdf.json"
    assert names[Path("d/t.txt")] == "t.json"
    assert len(set(names.values())) == 5


def test_extract_collect_inputs_folders_globs_and_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.md", "sub/c.pdf", "sub/skip.xyz"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found, problems = collect_inputs([str(tmp_path), str(tmp_path / "*.txt"), str(tmp_path / "nope.txt")])
    assert sorted(p.name for p in found) == ["a.txt", "b.md", "c.pdf"]
    assert problems == [(str(tmp_path / "nope.txt"), "no such file, folder or matching glob")]


def test_extract_report_is_schema_valid(small_report):
    report = extract_file(small_report, use_model=False)
    assert schema_errors(report) == []
    assert report["meta"]["template"] == "gov2021"
    assert report["source"]["format"] == "txt"
    assert report["text"] and all(report["text"][e["start"]:e["end"]] == e["quote"]
                                  for e in report["evidence"].values())


def test_extract_batch_goes_on_after_bad_files(tmp_path, small_report, capsys):
    bad = small_report.parent
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (bad / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    (bad / "latin.txt").write_bytes("Ceci n'est pas un rapport chinois: élève, garçon".encode("latin-1") * 3)
    (bad / "huge.txt").write_bytes(("政府信息公开" * 10).encode("utf-8") * (10 * 1024 * 1024 // 180 + 1))
    out = tmp_path / "out"
    rc = run_cli(bad, "-o", out)
    err = capsys.readouterr().err
    assert rc == 1
    assert (out / "hongze_2023.json").exists()
    for name in ("empty.txt", "binary.txt", "truncated.pdf", "latin.txt", "huge.txt"):
        assert name in err, f"{name} not reported"
        assert not (out / Path(name).with_suffix(".json").name).exists()
    assert "done 1, failed 5" in err


def test_extract_exit_zero_when_all_succeed(tmp_path, small_report, capsys):
    assert run_cli(small_report, "-o", tmp_path / "o") == 0
    assert "done 1, failed 0" in capsys.readouterr().err


def test_extract_never_writes_over_an_input(tmp_path, corpus, capsys):
    # an input that is itself named like the output the run would write
    src = tmp_path / "r.txt"
    src.write_text((corpus / "hongze_2023.txt").read_text(encoding="utf-8"), encoding="utf-8")
    trap = tmp_path / "r.json"
    trap.write_text("not json, but a user's file", encoding="utf-8")
    before = trap.read_bytes()
    rc = main(["extract", "--quiet", "--no-model", str(src), str(trap), "-o", str(tmp_path)])
    assert rc == 1
    assert trap.read_bytes() == before


def test_extract_jsonl_and_csv(tmp_path, small_report):
    assert run_cli(small_report, "-o", tmp_path / "j", "--format", "jsonl") == 0
    lines = (tmp_path / "j" / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["schema_version"] == "1"
    assert run_cli(small_report, "-o", tmp_path / "c", "--format", "csv") == 0
    with open(tmp_path / "c" / "reports.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    row = rows[0]
    assert row["meta.template"] == "gov2021"
    assert "applications.new_received.total" in row and "review_litigation.review.total" in row


@pytest.mark.parametrize("workers", [2])
def test_extract_workers_give_the_same_reports(tmp_path, corpus, workers):
    files = [corpus / "hongze_2023.txt", corpus / "hongze_2024.txt"]
    assert run_cli(*files, "-o", tmp_path / "one") == 0
    assert run_cli(*files, "-o", tmp_path / "many", "--workers", workers) == 0
    for f in files:
        a = json.loads((tmp_path / "one" / f"{f.stem}.json").read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "many" / f"{f.stem}.json").read_text(encoding="utf-8"))
        assert a == b


def test_extract_workers_write_rows_in_input_order(tmp_path, corpus):
    files = sorted(corpus.glob("*.txt"), key=lambda f: len(f.read_bytes()), reverse=True)[:6]   # slow ones first
    assert run_cli(*files, "-o", tmp_path / "o", "--format", "jsonl", "--workers", 3, "--no-text") == 0
    rows = [json.loads(line) for line in (tmp_path / "o" / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [Path(r["source"]["path"]).name for r in rows] == [f.name for f in files]


def test_extract_auto_workers_one_per_core_for_a_batch_that_repays_it(monkeypatch):
    import ie.extract as x

    monkeypatch.setattr(x, "available_cores", lambda: 2)
    assert [x.auto_workers(n) for n in (1, 4, 7, 8, 500)] == [1, 1, 1, 2, 2]
    monkeypatch.setattr(x, "available_cores", lambda: 64)
    assert x.auto_workers(500) == 8 and x.auto_workers(12) == 3


def test_extract_jsonl_target_that_is_an_input_is_refused(tmp_path, small_report, capsys):
    # the user's own reports.jsonl given as an input: the run must not write over it, nor crash
    target = tmp_path / "reports.jsonl"
    target.write_text("a user's file\n", encoding="utf-8")
    rc = main(["extract", "--quiet", "--no-model", "--format", "jsonl", "-o", str(tmp_path),
               str(small_report), str(target)])
    assert rc == 1
    assert target.read_text(encoding="utf-8") == "a user's file\n"
    assert "refusing to overwrite an input file" in capsys.readouterr().err


NOTICE = ("关于召开全市政府信息公开工作推进会的通知\n各县（区）人民政府，市直各单位：\n"
          "经市政府同意，定于2020年3月5日召开全市政府信息公开工作推进会。现将有关事项通知如下：\n"
          "一、会议时间\n2020年3月5日上午9:00\n二、会议地点\n市政府第一会议室\n三、参会人员\n各单位分管负责同志。\n"
          "四、会议内容\n总结2019年政府信息公开工作，请各单位报送2019年政府信息公开工作年度报告。\n"
          "某某市人民政府办公室\n2020年2月20日\n")
README = ("# ie — 政府信息公开工作年度报告 → structured data\n\nRun `ie extract FILE -o out/` to extract a report.\n"
          "Tables 2–4 are read by rule; the tagger finds counts, money and dates.\n")


def test_extract_not_a_report_fails_by_name_and_the_batch_goes_on(tmp_path, small_report, capsys):
    folder = small_report.parent
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    out = tmp_path / "out"
    rc = run_cli(folder, "-o", out)
    err = capsys.readouterr().err
    assert rc == 1
    assert "done 1, failed 2" in err
    for name in ("notice.txt", "README.md"):
        assert f"not an annual report: {folder / name}: no report title" in err
        assert not (out / (Path(name).stem + ".json")).exists()
    assert (out / "hongze_2023.json").exists()


def test_extract_force_extracts_a_non_report(tmp_path, capsys):
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli(notice, "-o", out, "--force") == 0
    report = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    assert report["meta"]["title"] is None and schema_errors(report) == []


def test_extract_table_era_report_without_tables_gets_the_template_and_an_issue(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("某某局2020年政府信息公开工作年度报告\n根据国办公开办函〔2019〕60号要求编制。\n"
                    "一、总体情况\n2020年，我局主动公开政府信息20条。\n二、主动公开政府信息情况\n见上。\n"
                    "三、收到和处理政府信息公开申请情况\n未收到政府信息公开申请。\n", encoding="utf-8")
    report = extract_file(path, use_model=False)
    assert report["meta"]["template"] == "gov2019"
    assert "tables_absent" in [i["code"] for i in report["issues"]]
    assert schema_errors(report) == []


def test_extract_tagger_leaves_the_national_tables_to_the_table_stage(corpus):
    """The model reads the running text only: the stretches it is shown leave out exactly the table regions,
    and no model span starts inside one (the default model, on the first table-era corpus report)."""
    from ie.extract import extract_document, load_tagger
    from ie.read import read_document
    from ie.tables import extract_tables

    tagger = load_tagger("default")
    shown: list[str] = []
    tag_sequence = tagger.tag_sequence
    tagger.tag_sequence = lambda text: shown.append(text) or tag_sequence(text)
    for path in sorted(corpus.glob("*.txt")):
        shown.clear()
        report = extract_document(read_document(path), tagger)
        regions = extract_tables(report["text"], report["meta"]["template"]).regions
        if regions:
            break
    else:
        pytest.skip("no table-era report in the corpus")
    text = report["text"]
    in_tables = {i for a, b in regions for i in range(a, b)}
    assert in_tables and sum(map(len, shown)) == len(text) - len(in_tables)
    assert all(part in text for part in shown)
    model = [e for e in report["entities"] if e["source"] == "model"]
    assert model and not [e for e in model if e["start"] in in_tables]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in report["entities"])
