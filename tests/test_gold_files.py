"""The hand-read gold for the national tables (gold/tables/*.json) is well formed.

Each gold file must validate against the table parts of report.schema.json, use only the keys of its own template
(fields.tsv), point its "ambiguous"/"notes" at real field paths, and acknowledge every table identity it breaks:
a gold that contradicts itself without a note is a typing slip, not a report that contradicts itself.
"""
import csv
import json
from pathlib import Path

import jsonschema
import pytest

from ie.paths import GOLD_DIR, corpus_dir, schema_dir

TABLES_DIR = GOLD_DIR / "tables"
GOLD_FILES = sorted(TABLES_DIR.glob("*.json"))
TOP_KEYS = {"file", "template", "proactive", "applications", "review_litigation", "ambiguous", "notes"}
REQUIRED_KEYS = {"file", "template", "proactive", "applications", "review_litigation"}
SECTIONS = ("proactive", "applications", "review_litigation")
# The reports in the corpus that print the national tables (corpus README: template gov2019 or gov2021).
TABLE_REPORTS = {
    "wansheng_2020", "taonan_2019", "hongze_2023", "hongze_2024", "huaian_2024", "suqian_2023_derived",
    "suqian_2024_derived", "pingtan_2020", "pingtan_2022", "shanghai_bgt_2025",
    # the Fujian reports added 2026-11-25 (SOURCES_2.tsv), gov2019 and gov2021
    "pingtan_gongan_2019", "pingtan_caijin_2020", "putian_minzong_2020", "putian_wenlv_2019", "pingtan_shenpi_2020",
    "putian_tongji_2020", "pingtan_jingfa_2019", "pingtan_caijin_2019", "pingtan_gongan_2024", "pingtan_caijin_2025",
    "pingtan_shenpi_2022", "putian_yingji_2023", "putian_wenlv_2024", "pingtan_jingfa_2021", "pingtan_shenpi_2025",
    "putian_keji_2022", "putian_chengguan_2023",
}
DENIED = [f"denied_{k}" for k in ("state_secret", "prohibited", "security_stability", "third_party",
                                  "internal_affairs", "process_info", "enforcement_file", "query")]
UNAVAILABLE = ["unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"]
REJECTED = [f"rejected_{k}" for k in ("petition", "duplicate", "publication", "excessive", "reconfirm")]
OTHER_2021 = ["other_no_correction", "other_unpaid_fee", "other_misc"]
SUBTOTALS = {"denied_total": DENIED, "unavailable_total": UNAVAILABLE, "rejected_total": REJECTED}
APPLICANT_PARTS = ["natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org"]
REVIEW_PARTS = ["upheld", "corrected", "other", "pending"]


def _schema() -> dict:
    path = schema_dir() / "report.schema.json"
    if not path.exists():
        pytest.skip(f"schema not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def _fields() -> dict[str, set[str]]:
    """field path -> templates it belongs to, from fields.tsv."""
    path = schema_dir() / "fields.tsv"
    if not path.exists():
        pytest.skip(f"fields.tsv not found at {path}")
    fields: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):  # a path may have one line per template
            fields.setdefault(row["path"], set()).update(row["templates"].split(","))
    return fields


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _paths(gold: dict) -> list[str]:
    return [f"{s}.{row}.{col}" for s in SECTIONS for row, cols in gold[s].items() for col in cols]


def _v(x):
    return 0 if x is None else x


def _broken_identities(gold: dict) -> list[tuple[str, str]]:
    """(what, scope) for every identity the gold breaks; scope is a path prefix or a '.column' suffix."""
    apps, broken = gold["applications"], []
    for row, cells in apps.items():
        parts = [_v(cells[c]) for c in APPLICANT_PARTS if c in cells]
        if "total" in cells and sum(parts) != _v(cells["total"]):
            broken.append((f"row {row}: parts {sum(parts)} != total {cells['total']}", f"applications.{row}."))
        if "legal_person_total" in cells and sum(parts[1:]) != _v(cells["legal_person_total"]):
            broken.append((f"row {row}: 法人 parts != 小计", f"applications.{row}."))
    other = OTHER_2021 if all(r in apps for r in OTHER_2021) else ["other"]
    items = ["granted", "partially_granted", *DENIED, *UNAVAILABLE, *REJECTED, *other]
    columns = apps["results_total"].keys()
    for col in columns:
        total = sum(_v(apps[r][col]) for r in items)
        if total != _v(apps["results_total"][col]):
            broken.append((f"column {col}: result rows {total} != 总计 {apps['results_total'][col]}", f".{col}"))
        left = _v(apps["new_received"][col]) + _v(apps["carried_over"][col])
        right = _v(apps["results_total"][col]) + _v(apps["carried_forward"][col])
        if left != right:
            broken.append((f"column {col}: 新收+结转 {left} != 总计+结转下年度 {right}", f".{col}"))
        subtotals = dict(SUBTOTALS, other=OTHER_2021) if other == OTHER_2021 else SUBTOTALS
        for sub, rows in subtotals.items():
            if sub in apps and sum(_v(apps[r][col]) for r in rows) != _v(apps[sub][col]):
                broken.append((f"column {col}: {sub} != sum of its items", f".{col}"))
    for block, cells in gold["review_litigation"].items():
        if set(cells) == {*REVIEW_PARTS, "total"} and sum(_v(cells[c]) for c in REVIEW_PARTS) != _v(cells["total"]):
            broken.append((f"Table 4 {block}: parts != 总计", f"review_litigation.{block}."))
    return broken


def test_gold_tables_cover_every_table_report():
    assert {p.stem for p in GOLD_FILES} == TABLE_REPORTS


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_validate_against_schema(path):
    gold = _load(path)
    assert REQUIRED_KEYS <= set(gold) <= TOP_KEYS, f"{path.name}: top-level keys {sorted(gold)}"
    assert gold["file"] == path.stem + ".txt"
    doc = {
        "schema_version": "1",
        "source": {"path": gold["file"], "sha256": "0" * 64, "format": "txt"},
        "meta": {"template": gold["template"]},
        "issues": [],
        **{s: gold[s] for s in SECTIONS},
    }
    jsonschema.Draft202012Validator(_schema()).validate(doc)
    for key in ("ambiguous", "notes"):
        assert all(isinstance(v, str) and v for v in gold.get(key, {}).values()), f"{path.name}: {key}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_keys_belong_to_the_template(path):
    gold, fields = _load(path), _fields()
    assert gold["template"] in ("gov2019", "gov2021")
    wrong = [p for p in _paths(gold) if gold["template"] not in fields.get(p, set())]
    assert not wrong, f"{path.name}: keys not in fields.tsv for {gold['template']}: {wrong}"
    for key in ("ambiguous", "notes"):
        wrong = [p for p in gold.get(key, {}) if gold["template"] not in fields.get(p, set())]
        assert not wrong, f"{path.name}: {key} keys that are not field paths of {gold['template']}: {wrong}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_counts_are_integers(path):
    gold = _load(path)
    for p in _paths(gold):
        section, row, col = p.split(".")
        value = gold[section][row][col]
        if col != "amount_wan":
            assert value is None or type(value) is int, f"{path.name}: {p}={value!r} is not an integer count"
        else:
            assert value is None or isinstance(value, (int, float)), f"{path.name}: {p}={value!r}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_rows_share_columns_and_table3_is_complete(path):
    gold = _load(path)
    apps = gold["applications"]
    columns = {tuple(sorted(cells)) for cells in apps.values()}
    assert len(columns) == 1, f"{path.name}: Table 3 rows with different columns {columns}"
    base = ["new_received", "carried_over", "granted", "partially_granted", *DENIED, *UNAVAILABLE, *REJECTED,
            "results_total", "carried_forward"]
    missing = [r for r in base if r not in apps]
    assert not missing, f"{path.name}: Table 3 rows missing {missing}"
    if gold["template"] == "gov2019":
        assert "other" in apps and not any(r in apps for r in OTHER_2021)
    else:
        assert all(r in apps for r in OTHER_2021) or "other" in apps, f"{path.name}: no （六） row"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_missing_table4_cells_are_explained(path):
    gold = _load(path)
    blocks = ("review", "litigation_direct", "litigation_after_review")
    missing = [f"review_litigation.{b}.{c}" for b in blocks for c in (*REVIEW_PARTS, "total")
               if c not in gold["review_litigation"].get(b, {})]
    unexplained = [p for p in missing if p not in gold.get("ambiguous", {})]
    assert not unexplained, f"{path.name}: Table 4 cells absent without an 'ambiguous' entry: {unexplained}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_broken_identities_are_noted(path):
    gold = _load(path)
    noted = [*gold.get("notes", {}), *gold.get("ambiguous", {})]
    silent = [what for what, scope in _broken_identities(gold)
              if not any(p.startswith(scope) if not scope.startswith(".") else p.endswith(scope) for p in noted)]
    assert not silent, f"{path.name}: identities broken without a note on the cells involved: {silent}"


def test_gold_tables_identity_check_catches_a_slip():
    """The identity check is not vacuous: one mistyped cell in a consistent gold is caught."""
    consistent = _load(TABLES_DIR / "huaian_2024.json") if (TABLES_DIR / "huaian_2024.json").exists() else None
    if consistent is None:
        pytest.skip("huaian_2024 gold not present")
    assert _broken_identities(consistent) == []
    consistent["applications"]["granted"]["enterprise"] += 1
    broken = [what for what, _ in _broken_identities(consistent)]
    assert len(broken) == 2 and broken[0].startswith("row granted") and "column enterprise" in broken[1]


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_tables_source_file_exists(path):
    corpus = corpus_dir()
    if not corpus.is_dir():
        pytest.skip(f"corpus not found at {corpus}")
    assert (corpus / _load(path)["file"]).is_file()
