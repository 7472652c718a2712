"""`ie extract --format csv|parquet`: the reports table, the issues table, crossyear.json (ie.dataset)."""
import csv
import json
import shutil
from pathlib import Path

import pytest

from ie.cli import main
from ie.dataset import ISSUE_COLUMNS, IssueRow, issues_table, reports_table
from ie.export import CROSSYEAR_FILE, csv_columns, output_names

# 农业农村局 2022 → 2023: 2023's 上年结转 总计 7 ≠ 2022's 结转下年度 总计 0 (see test_crossyear); hongze alone
BATCH = ["unlabeled/pingtan_nyn_2022.txt", "unlabeled/pingtan_nyn_2023.txt", "hongze_2023.txt"]


@pytest.fixture(scope="module")
def batch_dir(corpus, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("in")
    for name in BATCH:
        if not (corpus / name).is_file():
            pytest.skip(f"corpus file not found: {name}")
        shutil.copy(corpus / name, d / Path(name).name)
    return d


def extract(*args) -> int:
    return main(["extract", "--quiet", "--no-model", "--no-text", *map(str, args)])


@pytest.fixture(scope="module")
def csv_out(batch_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv")
    assert extract(batch_dir, "--format", "csv", "-o", out) == 0
    return out


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def test_dataset_csv_reports_table_keeps_its_columns(csv_out):
    header, rows = read_csv(csv_out / "reports.csv")
    assert header == csv_columns()
    assert sorted(Path(r["source.path"]).name for r in rows) == sorted(Path(n).name for n in BATCH)


def test_dataset_csv_issues_table_one_row_per_issue(csv_out, batch_dir):
    header, rows = read_csv(csv_out / "issues.csv")
    assert header == ISSUE_COLUMNS
    _, reports = read_csv(csv_out / "reports.csv")
    for r in reports:  # every report issue is a row, joined to the reports table by source.path
        own = [i for i in rows if i["report"] == r["source.path"] and not i["code"].startswith("crossyear_")]
        assert len(own) == int(r["issues.count"])
        assert sorted({i["code"] for i in own}) == sorted(filter(None, r["issues.codes"].split(";")))
    cross = [i for i in rows if i["code"].startswith("crossyear_")]
    later, earlier = str(batch_dir / "pingtan_nyn_2023.txt"), str(batch_dir / "pingtan_nyn_2022.txt")
    assert cross == [{"report": later, "code": "crossyear_carry_over", "severity": "error",
                      "fields": f"{later}:applications.carried_over.total;{earlier}:applications.carried_forward.total",
                      "message": cross[0]["message"]}]
    assert "pingtan_nyn_2023.txt (2023) 上年结转 7" in cross[0]["message"]
    assert "pingtan_nyn_2022.txt (2022) 结转下年度 0" in cross[0]["message"]


def test_dataset_crossyear_json_summary(csv_out, batch_dir):
    summary = json.loads((csv_out / CROSSYEAR_FILE).read_text(encoding="utf-8"))
    assert [s["issuer_key"] for s in summary["series"]] == ["平潭综合实验区农业农村局"]
    assert [(Path(p["earlier"]).name, Path(p["later"]).name) for p in summary["pairs_compared"]] == [
        ("pingtan_nyn_2022.txt", "pingtan_nyn_2023.txt")]
    (finding,) = summary["findings"]
    assert [(Path(c["report"]).name, c["year"], c["field"], c["value"]) for c in finding["cells"]] == [
        ("pingtan_nyn_2023.txt", 2023, "applications.carried_over.total", 7),
        ("pingtan_nyn_2022.txt", 2022, "applications.carried_forward.total", 0)]
    assert not [p for p in csv_out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_dataset_parquet_matches_csv(batch_dir, csv_out, tmp_path):
    import pyarrow.parquet as pq

    assert extract(batch_dir, "--format", "parquet", "-o", tmp_path) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [CROSSYEAR_FILE, "issues.parquet", "reports.parquet"]
    table = pq.read_table(tmp_path / "reports.parquet")
    header, csv_rows = read_csv(csv_out / "reports.csv")
    assert table.column_names == header
    assert str(table.schema.field("meta.year").type) == "int64"
    assert str(table.schema.field("applications.new_received.total").type) == "int64"
    assert str(table.schema.field("proactive.fees.amount_wan").type) == "double"
    by_path = {r["source.path"]: r for r in csv_rows}
    for row in table.to_pylist():  # the same cells as the CSV: empty there is null here
        want = by_path[row["source.path"]]
        for col in header:
            got = row[col]
            if isinstance(got, float) and want[col]:
                assert got == float(want[col]), col
            else:
                assert ("" if got is None else str(got)) == want[col], col
    issues = pq.read_table(tmp_path / "issues.parquet").to_pylist()
    _, csv_issues = read_csv(csv_out / "issues.csv")
    assert [{**i, "fields": ";".join(i["fields"])} for i in issues] == csv_issues


def test_dataset_parquet_needs_an_output_folder(batch_dir, capsys):
    assert extract(batch_dir / "hongze_2023.txt", "--format", "parquet") == 1
    assert "-o OUT_DIR" in capsys.readouterr().err


def test_dataset_batch_files_never_overwrite_an_input(batch_dir, tmp_path, capsys):
    trap = tmp_path / "issues.csv"
    trap.write_text("user data\n", encoding="utf-8")
    rc = extract(batch_dir / "hongze_2023.txt", trap, "--format", "csv", "-o", tmp_path)
    assert rc == 1 and "refusing to overwrite" in capsys.readouterr().err
    assert trap.read_text(encoding="utf-8") == "user data\n"


def test_dataset_report_named_like_the_summary_keeps_its_own_file():
    names = output_names([Path("a/crossyear.txt"), Path("a/b.txt")])
    assert names[Path("a/crossyear.txt")] != CROSSYEAR_FILE


def test_dataset_tables_from_rows():
    rows = [IssueRow("r.txt", "c", "warning", ("a.b", "c.d"), "m")]
    assert issues_table(rows).to_pylist() == [{"report": "r.txt", "code": "c", "severity": "warning",
                                               "fields": ["a.b", "c.d"], "message": "m"}]
    t = reports_table([{"meta.year": 2020, "prose.fees_yuan": 12.5, "prose.reviews": ""},
                       {"meta.year": "", "prose.fees_yuan": 3, "prose.reviews": 2}],
                      ["meta.year", "prose.fees_yuan", "prose.reviews"])
    assert t.to_pylist() == [{"meta.year": 2020, "prose.fees_yuan": 12.5, "prose.reviews": None},
                             {"meta.year": None, "prose.fees_yuan": 3.0, "prose.reviews": 2}]


def test_dataset_without_output_folder_logs_the_findings(batch_dir, capsys):
    rc = extract(batch_dir / "pingtan_nyn_2022.txt", batch_dir / "pingtan_nyn_2023.txt", "--format", "csv")
    out, err = capsys.readouterr()
    assert rc == 0 and out.startswith("source.path,")  # the reports table on standard output, as before
    assert "crossyear_carry_over: 表三 「总计」: pingtan_nyn_2023.txt (2023) 上年结转 7" in err
