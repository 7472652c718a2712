"""extract_tables on small hand-built tables, one per layout the corpus shows."""
from __future__ import annotations

import pytest

from ie.tables import extract_tables
from ie.validate import check_tables

ROWS_2021 = [
    ("new_received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"), ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "1.属于国家秘密"), ("denied_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"), ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"), ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"), ("denied_query", "8.属于行政查询事项"),
    ("unavailable_not_held", "1.本机关不掌握相关政府信息"), ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"), ("rejected_petition", "1.信访举报投诉类申请"),
    ("rejected_duplicate", "2.重复申请"), ("rejected_publication", "3.要求提供公开出版物"),
    ("rejected_excessive", "4.无正当理由大量反复申请"), ("rejected_reconfirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "3.其他"), ("results_total", "（七）总计"), ("carried_forward", "四、结转下年度继续办理"),
]
# A consistent table: natural persons and enterprises only.
NAT = {"new_received": 30, "carried_over": 2, "granted": 10, "partially_granted": 3, "denied_third_party": 2,
       "unavailable_not_held": 8, "rejected_petition": 1, "other_misc": 4, "results_total": 28, "carried_forward": 4}
ENT = {"new_received": 5, "granted": 4, "unavailable_not_held": 1, "results_total": 5}

T2_2021 = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 1 12\n"
           "行政规范性文件 8 26 66\n第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 447228\n"
           "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚 3985\n行政强制 88\n第二十条第（八）项\n"
           "信息内容 本年收费金额（单位：万元）\n行政事业性收费 96171.6\n")
T4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n"
      "3 1 0 1 5 2 0 0 0 2 0 0 1 0 1\n五、存在的主要问题及改进情况\n问题。\n")


def row_cells(key):
    n, e = NAT.get(key, 0), ENT.get(key, 0)
    return [n, e, 0, 0, 0, 0, n + e]


def table3_lines(sep=" ", skip=()):
    out = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人 法人或其他组织 总计",
           "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    for key, label in ROWS_2021:
        if key in skip:
            continue
        out.append(label + sep + sep.join(str(v) for v in row_cells(key)))
    return out


def report(t3_lines):
    return T2_2021 + "\n".join(t3_lines) + "\n" + T4


def test_tables_extract_pdfplumber_rows_all_cells():
    res = extract_tables(report(table3_lines()), "gov2021")
    apps = res.values["applications"]
    for key, _ in ROWS_2021:
        assert list(apps[key].values()) == row_cells(key), key
    assert "other" not in apps and "denied_total" not in apps       # not printed → absent
    assert res.values["proactive"]["regulations"] == {"issued": 0, "repealed": 1, "in_force": 12}
    assert res.values["proactive"]["licensing"] == {"decisions": 447228}
    assert res.values["proactive"]["fees"] == {"amount_wan": 96171.6}
    assert res.values["review_litigation"]["litigation_direct"] == {
        "upheld": 2, "corrected": 0, "other": 0, "pending": 0, "total": 2}
    assert not res.issues
    assert check_tables(res.values, "gov2021") == []


def test_tables_extract_evidence_quotes_the_cell():
    text = report(table3_lines())
    res = extract_tables(text, "gov2021")
    ev = res.evidence["applications.new_received.total"]
    assert text[ev.start:ev.end] == ev.quote == "35" and ev.method == "table"
    line_start = text.rfind("\n", 0, ev.start) + 1
    assert text[line_start:ev.start].startswith("一、本年新收")


def test_tables_extract_pipe_rows_and_one_cell_per_line():
    pipes = report([f"| {l.replace(' ', ' | ')} |" for l in table3_lines()])
    cell_lines = report(["\n".join(p + " |" for p in l.split(" ")) + "\n|" for l in table3_lines()])
    for text in (pipes, cell_lines):
        apps = extract_tables(text, "gov2021").values["applications"]
        assert apps["granted"] == dict(zip(apps["granted"], [10, 4, 0, 0, 0, 0, 14]))
        assert apps["carried_forward"]["total"] == 4


def test_tables_extract_missing_row_does_not_shift_others():
    res = extract_tables(report(table3_lines(skip=("denied_third_party",))), "gov2021")
    apps = res.values["applications"]
    assert all(v is None for v in apps["denied_third_party"].values())
    assert apps["denied_internal_affairs"]["total"] == 0
    assert apps["unavailable_not_held"]["total"] == 9
    assert any(i.code == "table_row_missing" and "applications.denied_third_party.total" in i.fields
               for i in res.issues)


def test_tables_extract_number_row_away_from_its_label():
    # pdfplumber: a tall cell's numbers sit between the broken label lines, or alone above the label.
    lines = table3_lines()
    i = next(n for n, l in enumerate(lines) if l.startswith("（二）部分公开"))
    lines[i:i + 1] = ["（二）部分公开（区分处理的，只计这一情", "3 0 0 0 0 0 3", "形，不计其他情形）"]
    j = next(n for n, l in enumerate(lines) if l.startswith("1.本机关不掌握"))
    lines[j:j + 1] = ["8 1 0 0 0 0 9", "1.本机关不掌握相关政府信息", "（四）无法提供", "- 4 -"]
    res = extract_tables(report(lines), "gov2021")
    apps = res.values["applications"]
    assert apps["partially_granted"]["total"] == 3
    assert apps["unavailable_not_held"]["enterprise"] == 1
    assert apps["unavailable_needs_creation"]["total"] == 0


def test_tables_extract_vertical_header_characters():
    lines = table3_lines()
    k = next(n for n, l in enumerate(lines) if l.startswith("（一）予以公开"))
    lines[k] = "三 " + lines[k]
    lines[k + 1:k + 1] = ["、", "本", "年", "度"]
    apps = extract_tables(report(lines), "gov2021").values["applications"]
    assert apps["granted"]["total"] == 14 and apps["partially_granted"]["total"] == 3


def test_tables_extract_legal_person_subtotal_column():
    lines = ["三、收到和处理政府信息公开申请情况", "自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他 小计",
             "一、本年新收政府信息公开申请数量 5 2 0 0 1 0 3 8"]
    res = extract_tables(T2_2021 + "\n".join(lines) + "\n" + T4, "gov2021")
    row = res.values["applications"]["new_received"]
    assert row["legal_person_total"] == 3 and row["total"] == 8 and row["legal_service"] == 1


def test_tables_extract_subtotal_row_only_where_printed():
    lines = table3_lines()
    k = next(n for n, l in enumerate(lines) if l.startswith("1.属于国家秘密"))
    lines.insert(k, "（三）不予公开 小计 0 0 0 0 0 0 2")
    apps = extract_tables(report(lines), "gov2021").values["applications"]
    assert apps["denied_total"]["total"] == 2 and apps["denied_state_secret"]["total"] == 0


def test_tables_extract_lost_boundaries_unique_by_row_sum():
    text = report(["三、收到和处理政府信息公开申请情况（本列数据的勾稽关系）申请人情况 自然人 总计 "
                   "一、本年新收政府信息公开申请数量15130000154二、上年结转政府信息公开申请数量0000000"])
    res = extract_tables(text, "gov2021")
    assert list(res.values["applications"]["new_received"].values()) == [151, 3, 0, 0, 0, 0, 154]
    assert list(res.values["applications"]["carried_over"].values()) == [0] * 7


def test_tables_extract_lost_boundaries_resolved_by_column_identities():
    # 101000011 cuts as 10|1|0|0|0|0|11 or 1|0|10|0|0|0|11 (both sum); only the first agrees with （七）总计.
    lines = ["三、收到和处理政府信息公开申请情况 自然人 总计"]
    for key, label in ROWS_2021:
        cells = {"new_received": "101000011", "granted": "101000011", "results_total": " 10 1 0 0 0 0 11 "}.get(
            key, "0000000")
        lines.append(label + cells)
    res = extract_tables(T2_2021 + "".join(lines) + T4, "gov2021")
    apps = res.values["applications"]
    assert list(apps["granted"].values()) == [10, 1, 0, 0, 0, 0, 11]
    assert list(apps["results_total"].values()) == [10, 1, 0, 0, 0, 0, 11]
    # new_received is tied to the results only through 新收+结转=总计+结转下年度, which also fixes it.
    assert list(apps["new_received"].values()) == [10, 1, 0, 0, 0, 0, 11]


def test_tables_extract_lost_boundaries_ambiguous_left_null_with_issue():
    # Only one row printed: nothing ties 101000011 down.
    text = report(["三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量101000011"])
    res = extract_tables(text, "gov2021")
    row = res.values["applications"]["new_received"]
    assert row["natural_person"] is None and row["enterprise"] is None and row["research"] is None
    assert row["total"] == 11 and row["nonprofit"] == 0      # the cells every cutting agrees on are kept
    issue = next(i for i in res.issues if i.code == "table_split_ambiguous")
    assert "applications.new_received.natural_person" in issue.fields
    assert "applications.new_received.total" not in issue.fields


def test_tables_extract_gov2019_table2_values():
    text = ("二、主动公开政府信息情况\n第二十条第(一)项 |\n信息内容 |\n本年新制作数量 |\n本年新公开数量 |\n对外公开总数量 |\n"
            "|\n规章 |\n0 |\n0 |\n0 |\n|\n规范性文件 |\n1 |\n1 |\n44 |\n|\n第二十条第(五)项 |\n行政许可 |\n568 |\n+26 |\n"
            "3184 |\n|\n其他对外管理服务事项 |\n321 |\n-11 |\n/ |\n|\n行政处罚 |\n3232 |\n-81 |\n1809 |\n|\n行政强制 |\n"
            "125 |\n— |\n292 |\n|\n行政事业性收费 |\n135 |\n无 |\n|\n政府集中采购 |\n132 |\n75394432.52元 |\n"
            "三、收到和处理政府信息公开申请情况\n")
    res = extract_tables(text, "gov2019")
    p = res.values["proactive"]
    assert p["licensing"] == {"prior_items": 568, "change": 26, "decisions": 3184}
    assert p["other_services"] == {"prior_items": 321, "change": -11, "decisions": None}
    assert p["coercion"]["change"] is None and p["fees"] == {"prior_items": 135, "change": 0}
    assert p["procurement"]["items"] == 132
    assert p["procurement"]["amount_wan"] == pytest.approx(7539.443252)
    assert "元" in res.evidence["proactive.procurement.amount_wan"].note


def test_tables_extract_table2_notes_and_units():
    text = ("第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
            "规章 22（其中修订16件） 3 235\n第二十条第（八）项\n行政事业性收费 2375.064万元\n三、收到和处理政府信息公开申请情况\n")
    p = extract_tables(text, "gov2021").values["proactive"]
    assert p["regulations"] == {"issued": 22, "repealed": 3, "in_force": 235}
    assert p["fees"]["amount_wan"] == 2375.064


def test_tables_extract_table2_lost_boundaries():
    text = ("第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章007规范性文件7777166"
            "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费35-15"
            "第二十条第（九）项政府集中采购13575394432.52元三、收到和处理政府信息公开申请情况")
    res = extract_tables(text, "gov2019")
    p = res.values["proactive"]
    assert p["regulations"] == {"made": 0, "published": 0, "total_published": 7}     # only split of 007
    assert p["fees"] == {"prior_items": 35, "change": -15}                           # the sign starts a cell
    assert p["normative_documents"] == {"made": None, "published": None, "total_published": None}
    assert p["procurement"] == {"items": None, "amount_wan": None}                  # no identity in Table 2
    flagged = {f for i in res.issues if i.code == "table_split_ambiguous" for f in i.fields}
    assert {"proactive.procurement.items", "proactive.normative_documents.made"} <= flagged


def test_tables_extract_pipe_row_with_too_few_cells_is_not_shifted():
    text = ("第二十条第（一）项\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 22 | 235 |\n"
            "三、收到和处理政府信息公开申请情况\n")
    res = extract_tables(text, "gov2021")
    assert res.values["proactive"]["regulations"] == {"issued": None, "repealed": None, "in_force": None}
    # two printed cells for three columns: which one is blank (or repeated) is not in the text
    named = {f for i in res.issues for f in i.fields}
    assert {"proactive.regulations.issued", "proactive.regulations.in_force"} <= named


def test_tables_extract_pipe_blank_cell_is_null():
    lines = table3_lines()
    lines = [f"| {l.replace(' ', ' | ')} |" for l in lines]
    k = next(n for n, l in enumerate(lines) if "予以公开" in l)
    lines[k] = "| （一）予以公开 | 10 |  | 0 | 0 | 0 | 0 | 14 |"
    apps = extract_tables(report(lines), "gov2021").values["applications"]
    assert apps["granted"]["enterprise"] is None and apps["granted"]["research"] == 0
    assert apps["granted"]["total"] == 14


def test_tables_extract_table4_space_and_run_together():
    for body in ("0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", "011021000100000"):
        text = report(table3_lines()).replace("3 1 0 1 5 2 0 0 0 2 0 0 1 0 1", body)
        rl = extract_tables(text, "gov2021").values["review_litigation"]
        assert rl["review"] == {"upheld": 0, "corrected": 1, "other": 1, "pending": 0, "total": 2}
        assert rl["litigation_direct"]["total"] == 1


def test_tables_extract_table4_cropped_by_column_words():
    text = report(table3_lines()).replace(
        "结果维持 结果纠正 其他结果 尚未审结 总计\n3 1 0 1 5 2 0 0 0 2 0 0 1 0 1",
        "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正\n88 18 28 36 170 7 0")
    res = extract_tables(text, "gov2021")
    rl = res.values["review_litigation"]
    assert rl["review"]["total"] == 170 and rl["litigation_direct"] == {"upheld": 7, "corrected": 0}
    assert "litigation_after_review" not in rl
    assert any(i.code == "table_partial" for i in res.issues)


def test_tables_extract_prose_report_has_no_national_tables():
    text = "七、政府信息公开情况统计表 指标名称 计量单位 本年度 历年累计 主动公开信息数 条 1200 5000"
    res = extract_tables(text, "prose")
    assert res.values == {} and res.evidence == {} and res.issues == []


def test_tables_extract_contradiction_kept_as_printed():
    lines = table3_lines()
    k = next(n for n, l in enumerate(lines) if l.startswith("4.保护第三方"))
    lines[k] = "4.保护第三方合法权益 0 0 0 2 0 0 2"          # a cell in the wrong column (wansheng)
    res = extract_tables(report(lines), "gov2021")
    row = res.values["applications"]["denied_third_party"]
    assert row["natural_person"] == 0 and row["nonprofit"] == 2
    found = check_tables(res.values, "gov2021")
    assert any(i.code == "table3_column_sum" and "applications.denied_third_party.nonprofit" in i.fields
               for i in found)


def test_tables_extract_lost_boundaries_identities_not_enough():
    # Every row that could tell 10|1 from 1|0|10 is itself run together the same way: two consistent tables.
    lines = ["三、收到和处理政府信息公开申请情况 自然人 总计"]
    for key, label in ROWS_2021:
        cells = {"new_received": "101000011", "granted": "101000011", "results_total": "101000011"}.get(key, "0000000")
        lines.append(label + cells)
    res = extract_tables(T2_2021 + "".join(lines) + T4, "gov2021")
    assert res.values["applications"]["granted"]["natural_person"] is None
    assert res.values["applications"]["granted"]["total"] == 11
    amb = [i for i in res.issues if i.code == "table_split_ambiguous"]
    assert {"applications.granted.natural_person", "applications.results_total.research"} <= {
        f for i in amb for f in i.fields}


def test_tables_extract_legal_person_subtotal_column_in_scraped_text():
    text = (T2_2021 + "三、收到和处理政府信息公开申请情况 申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 "
            "法律服务机构 其他 小计 一、本年新收政府信息公开申请数量5200103 8" + T4)
    row = extract_tables(text, "gov2021").values["applications"]["new_received"]
    assert row == {"natural_person": 5, "enterprise": 2, "research": 0, "nonprofit": 0, "legal_service": 1,
                   "other_org": 0, "legal_person_total": 3, "total": 8}


def test_tables_extract_subtotal_column_header_split_per_character():
    from ie.tables.table3 import columns
    header = "申请人情况\n自然人\n法人或其他组织\n商\n业\n企\n业\n小\n计\n总计\n"
    assert columns(header)[-2:] == ["legal_person_total", "total"]
    assert "legal_person_total" not in columns("申请人情况 自然人 法人或其他组织 商业企业 总计")
