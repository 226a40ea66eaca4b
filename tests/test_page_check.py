"""检查报告: a real report uploaded to the page is read, its findings counted and
marked on its printed cells, every number placed in its source, and the report
compared with the same agency's previous year when the database has it. A file
that holds no report is one clear message; nothing is written anywhere."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import check, imports, plain, profile
from etl import template
from tests.conftest import CORPUS, RAW, ROOT, cell_sum, dashboard, parsed, run_cli
from tests.test_page_profile import cell_styles, table, tables

PAGE = "check.py"
HONGZE = "320813-人民政府"
REVIEW_TOTAL = "review_litigation.administrative_review.total"


def upload(database: Path, name: str, data: bytes) -> AppTest:
    """The page with ``data`` uploaded as the file ``name``."""
    app = dashboard(database, PAGE).run()
    app.file_uploader(key="check_file").upload(name, data, "application/octet-stream")
    return app.run()


def upload_file(database: Path, path: Path) -> AppTest:
    return upload(database, path.name, path.read_bytes())


def shown_texts(app: AppTest) -> list[str]:
    return [element.value for element in (*app.caption, *app.info, *app.success, *app.error)]


@pytest.fixture(scope="module")
def hongze_2023(bundled_database: Path) -> AppTest:
    """洪泽区 2023: two review totals printed as 0; no 2022 report loaded."""
    return upload_file(bundled_database, RAW / "2023_huaian_hongzequ.txt")


@pytest.fixture(scope="module")
def hongze_2024(bundled_database: Path) -> AppTest:
    """洪泽区 2024, whose 2023 report is in the bundled database."""
    return upload_file(bundled_database, RAW / "2024_huaian_hongzequ.txt")


# --- Before a file is uploaded --------------------------------------------------------


def test_the_page_says_who_it_is_for_and_what_it_takes(bundled_database: Path) -> None:
    app = dashboard(bundled_database, PAGE).run()
    assert not app.exception
    assert [title.value for title in app.title] == ["检查报告"]
    assert "发布年度报告前检查草稿" in app.caption[0].value
    assert "不写入数据库" in app.caption[0].value
    assert "20 MB" in app.caption[1].value
    assert all(suffix in app.caption[1].value for suffix in (".docx", ".doc", ".wps", ".odt"))
    uploader = app.file_uploader(key="check_file")
    assert uploader.proto.max_upload_size_mb == check.MAX_UPLOAD_MB == 20
    assert any("请上传" in note.value for note in app.info)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # The server takes 数据导入's larger files; this page refuses past its own limit.
    assert config["server"]["maxUploadSize"] == imports.MAX_UPLOAD_MB > check.MAX_UPLOAD_MB


# --- A report with errors -----------------------------------------------------------------


def test_the_reports_identity_is_shown(hongze_2023: AppTest) -> None:
    app = hongze_2023
    assert not app.exception
    assert app.header[0].value == "2023 年度报告：洪泽区人民政府"
    identity = table(app, "check-identity").set_index("项目")["内容"]
    assert identity["机关（报告中的名称）"] == "洪泽区人民政府"
    assert identity["机关编号"] == HONGZE
    assert identity["地区"] == "江苏省 淮安市 洪泽区"
    assert identity["层级"] == "县级" and identity["机关类型"] == "人民政府"
    assert identity["年度"] == "2023 年度"
    assert identity["模板版本（第二部分）"] == "2021 版"
    # Its text states the district's applications, equal to the table's total.
    assert identity["统计范围"] == "区域汇总（含本地区各部门和下级政府）"
    assert f":material/info: {profile.SCOPE_NOTES['region']}" in shown_texts(app)
    source = table(app, "check-source").set_index("项目")["内容"]
    assert source["源文件"] == "2023_huaian_hongzequ.txt"
    assert source["文件类型"] == "文本"  # the format named as an official names it


def test_the_findings_are_summed_by_rule_and_listed(hongze_2023: AppTest) -> None:
    app = hongze_2023
    metrics = {metric.label: metric.value for metric in app.metric}
    assert (metrics["错误"], metrics["提示"]) == ("2", "0")
    summary = table(app, "check-rules")
    assert summary[["级别", "规则", "条数"]].values.tolist() == [["错误", "复议诉讼总计不符", 2]]
    listed = table(app, "check-findings")
    assert list(listed["序号"]) == [1, 2]
    assert list(listed["规则"]) == ["复议诉讼总计不符"] * 2
    assert listed["说明"].iloc[0] == (
        "「行政复议」：结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11，总计栏为 0。"
    )


def test_the_findings_are_marked_on_the_printed_cells(hongze_2023: AppTest) -> None:
    app = hongze_2023
    report = parsed("2023_huaian_hongzequ")
    (review,) = tables(app)["check-review"]
    for row, group in enumerate(template.REVIEW_GROUPS):
        printed = [report.review_litigation[group][c]["raw"] for c in template.REVIEW_COLUMNS]
        assert list(review.value.iloc[row]) == [template.REVIEW_GROUP_LABELS[group], *printed]
    styles = cell_styles(review)  # one row a group, the five outcomes from column 1
    # 行政复议 and 复议后起诉 do not add up; 未经复议直接起诉 does.
    assert {styles[row, col] for row in (0, 2) for col in range(1, 6)} == {profile.ERROR_CSS}
    assert all(not styles.get((1, col)) for col in range(1, 6))
    (applications,) = tables(app)["check-applications"]
    assert not any(cell_styles(applications).values())
    shown = table(app, "check-applications").set_index(("项目", ""))
    assert shown.loc["一、本年新收政府信息公开申请数量", ("总计", "")] == "21"


def test_a_picked_finding_is_marked_apart(bundled_database: Path) -> None:
    app = upload_file(bundled_database, RAW / "2023_huaian_hongzequ.txt")
    assert app.selectbox(key="check_finding").value is None
    app.selectbox(key="check_finding").set_value(2).run()  # 复议后起诉
    assert not app.exception
    assert "第 2 条校验结果（错误）" in app.error[0].value
    (review,) = tables(app)["check-review"]
    styles = cell_styles(review)
    assert {styles[0, col] for col in range(1, 6)} == {profile.ERROR_CSS}
    assert {styles[2, col] for col in range(1, 6)} == {profile.PICKED_CSS}
    # Another file: the pick belonged to the report before.
    app.file_uploader(key="check_file").set_value(
        ("2024.txt", (RAW / "2024_huaian_hongzequ.txt").read_bytes(), "text/plain")
    )
    app.run()
    assert not app.exception
    assert app.selectbox(key="check_finding").value is None
    assert not app.error


def test_every_number_has_its_source_line(hongze_2023: AppTest) -> None:
    sources = table(hongze_2023, "check-cells")
    report = parsed("2023_huaian_hongzequ")
    cell = report.review_litigation["administrative_review"]["total"]
    row = sources[(sources["项目"] == "行政复议") & (sources["栏目"] == "总计")].iloc[0]
    assert (row["原文"], row["数值"], row["状态"]) == ("0", 0, "数字")
    assert row["行号"] == cell["at"]["line"] == 323
    assert row["校验结果序号"] == "1"
    assert "页码" not in sources.columns  # a plain text has lines only
    cell_count = sum(len(cells) for cells in report.applications.values())
    assert (sources["部分"] == "三、依申请公开").sum() == cell_count


def test_without_the_previous_year_the_page_says_so(hongze_2023: AppTest) -> None:
    texts = shown_texts(hongze_2023)
    assert any("数据库中没有该机关 2022 年度的报告" in text for text in texts)
    assert "check-carry-over" not in tables(hongze_2023)


# --- Against the previous year in the database -------------------------------------------


def test_the_carry_over_is_compared_with_last_years_report(hongze_2024: AppTest) -> None:
    app = hongze_2024
    assert not app.exception
    grid = table(app, "check-carry-over")
    labels = list(grid[("项目", "")])
    assert labels == [
        "本年（2024 年度）二、上年结转政府信息公开申请数量",
        "上年（2023 年度）四、结转下年度继续办理",
        "是否衔接",
    ]
    assert set(grid.iloc[0, 1:]) == set(grid.iloc[1, 1:]) == {"0"}
    assert set(grid.iloc[2, 1:]) == {"一致"}
    assert "与上年比对的规则均未发现问题。" in [note.value for note in app.success]
    assert any("数据库中已载入该机关 2024 年度的报告" in text for text in shown_texts(app))


def test_big_changes_in_the_main_figures_are_flagged(
    hongze_2024: AppTest, bundled_database: Path
) -> None:
    changes = table(hongze_2024, "check-changes").set_index("指标")
    assert list(changes.columns) == ["2023 年度", "2024 年度", "变化", "提示"]
    before = cell_sum(bundled_database, "applications.new_received.total",
                      "r.agency_id = ? AND r.year = 2023", (HONGZE,))  # fmt: skip
    now = parsed("2024_huaian_hongzequ").applications["new_received"]["total"]["value"]
    assert (before, now) == (21, 95)
    assert changes.loc["本年新收申请"].tolist() == ["21", "95", "+74", "大幅变化"]
    assert changes.loc["主动公开信息条数"].tolist() == ["1,136", "2,428", "+1,292", "大幅变化"]
    assert changes.loc["公开率", "提示"] == "大幅变化"
    assert changes.loc["行政复议总计"].tolist() == ["0", "2", "+2", ""]  # too few to matter
    assert changes.loc["结转率"].tolist() == ["0.0%", "0.0%", "+0.0 个百分点", ""]
    (shown,) = tables(hongze_2024)["check-changes"]
    styles = cell_styles(shown)
    flagged = {row for row, label in enumerate(changes.index) if changes.loc[label, "提示"]}
    assert flagged == {0, 1, 2, 6}
    assert {styles.get((row, 4)) for row in flagged} == {profile.WARNING_CSS}
    assert not any(styles.get((row, 4)) for row in range(len(changes)) if row not in flagged)


def _with_lines(text: str, changes: dict[int, tuple[str, str]]) -> bytes:
    """The text with line N (from 1) changed from its printed value to another."""
    lines = text.split("\n")
    for number, (printed, edited) in changes.items():
        assert lines[number - 1] == printed
        lines[number - 1] = edited
    return "\n".join(lines).encode("utf-8")


def test_a_draft_whose_carry_over_breaks_with_last_year_is_flagged(
    bundled_database: Path,
) -> None:
    # 洪泽区's 2024 draft with 2 applications carried over (自然人 and 总计),
    # where its 2023 report carried 0 forward.
    text = (RAW / "2024_huaian_hongzequ.txt").read_text(encoding="utf-8")
    draft = _with_lines(text, {100: ("0", "2"), 106: ("0", "2")})
    app = upload(bundled_database, "洪泽区2024年报草稿.txt", draft)
    assert not app.exception
    cross_year = table(app, "check-cross-year")
    assert list(cross_year["规则"]) == ["结转与上年不衔接"] * 2
    assert cross_year["说明"].iloc[0] == (  # in the table's order: 自然人 before 总计
        "「二、上年结转政府信息公开申请数量·自然人」为 2，与上年（2023 年度）报告"
        "「四、结转下年度继续办理·自然人」的 0 不一致。"
    )
    grid = table(app, "check-carry-over")
    assert grid.iloc[0, 1:].tolist() == ["2", "0", "0", "0", "0", "0", "2"]
    assert grid.iloc[2, 1:].tolist() == ["不一致", *["一致"] * 5, "不一致"]
    (shown,) = tables(app)["check-carry-over"]
    styles = cell_styles(shown)
    # The two cells also break this year's balance: errors outrank the warning.
    assert styles[0, 1] == styles[0, 7] == profile.ERROR_CSS
    assert not any(styles.get((0, col)) for col in range(2, 7))
    summary = table(app, "check-rules").set_index("规则")["条数"]
    assert summary["结转与上年不衔接"] == 2


def test_last_years_report_sent_again_is_flagged_by_the_cross_year_rules(
    bundled_database: Path,
) -> None:
    # 沭阳县发改局's 2023 web page re-dated 2024: section 五 repeats last year's word
    # for word, and its 现行有效 does not follow from last year's.
    page = (RAW / "2023_shuyang_fagaiju.html").read_text(encoding="utf-8")
    title = "沭阳县发展和改革局{}年政府信息公开年度报告"
    draft = page.replace(title.format(2023), title.format(2024)).encode("utf-8")
    app = upload(bundled_database, "沭阳县发改局2024年报.html", draft)
    assert not app.exception
    assert app.header[0].value == "2024 年度报告：沭阳县发展和改革局"
    cross_year = table(app, "check-cross-year")
    assert list(cross_year["规则"]) == ["问题与改进与上年雷同", "现行有效件数不衔接"]
    assert (
        cross_year["说明"]
        .iloc[0]
        .startswith(
            "「五、存在的主要问题及改进情况」与上年完全相同（内容雷同）：本年 17 个分句中有 17 个"
        )
    )
    assert cross_year["说明"].iloc[1] == (
        "「行政规范性文件」现行有效件数为 18；按上年（2023 年度）现行有效 18 + 本年制发 8 − "
        "本年废止 0，应为 26。"
    )
    # Both years left the carry-over of five applicant types blank: not compared.
    grid = table(app, "check-carry-over")
    assert grid.iloc[0, 1:].tolist() == ["0", "", "", "", "", "", "0"]
    assert grid.iloc[1, 1:].tolist() == ["0", "", "", "", "", "", "0"]
    assert grid.iloc[2, 1:].tolist() == ["一致", *["不比较"] * 5, "一致"]
    changes = table(app, "check-changes").set_index("指标")
    assert changes.loc["本年新收申请"].tolist() == ["26", "26", "+0", ""]


# --- Other formats, bad files -------------------------------------------------------------


def test_a_pdf_says_on_which_page_each_number_was_read(bundled_database: Path) -> None:
    app = upload_file(bundled_database, CORPUS / "orig" / "2023_huaian_hongzequ.pdf")
    assert not app.exception
    assert table(app, "check-identity").set_index("项目")["内容"]["年度"] == "2023 年度"
    # The PDF was made on 26 February 2024 (its properties say): after 31 January.
    assert list(table(app, "check-findings")["规则"]) == ["复议诉讼总计不符"] * 2 + ["逾期发布"]
    source = table(app, "check-source").set_index("项目")["内容"]
    assert source["发布日期"] == "2024-02-26（PDF 文件属性「创建时间」）"
    sources = table(app, "check-cells")
    row = sources[(sources["项目"] == "行政复议") & (sources["栏目"] == "总计")].iloc[0]
    located = row[["行号", "页码", "表格序号", "表内行", "表内列"]].tolist()
    assert located == [359, 4, 5, 4, 5]
    assert table(app, "check-source").set_index("项目")["内容"]["文件类型"] == "PDF"


def test_an_old_word_file_is_read_through_libreoffice(
    bundled_database: Path, office_documents: dict[tuple[str, str], bytes]
) -> None:
    data = office_documents["doc", "2023_huaian_hongzequ"]
    app = upload(bundled_database, "洪泽区2023年报.doc", data)
    assert not app.exception
    assert table(app, "check-identity").set_index("项目")["内容"]["年度"] == "2023 年度"
    assert list(table(app, "check-findings")["规则"]) == ["复议诉讼总计不符"] * 2
    shown = plain.markdown_text("上传的文件：洪泽区2023年报.doc（格式：Word（.doc））")
    assert shown in [caption.value for caption in app.caption]
    assert table(app, "check-source").set_index("项目")["内容"]["文件类型"] == "Word（.doc）"


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("notes.txt", "会议纪要\n今天天气很好。".encode(), "不是政府信息公开工作年度报告"),
        ("damaged.doc", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), "LibreOffice 打不开"),
        ("empty.pdf", b"", "文件为空，没有可读取的内容"),
    ],
)
def test_a_file_without_a_report_is_one_message(
    bundled_database: Path, name: str, data: bytes, problem: str
) -> None:
    app = upload(bundled_database, name, data)
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith(plain.markdown_text(f"无法读取“{name}”："))
    assert plain.markdown_text(problem) in error.value
    assert len(app.dataframe) == 0


def test_a_file_over_the_limit_is_refused(bundled_database: Path) -> None:
    report = (RAW / "2024_huaian_hongzequ.txt").read_bytes()
    data = report + b" " * (check.MAX_UPLOAD_BYTES + 1 - len(report))
    app = upload(bundled_database, "big.txt", data)
    assert not app.exception
    (error,) = app.error
    assert "超过 20 MB 的上限" in error.value
    assert len(app.dataframe) == 0


def test_nothing_is_written_to_the_database(bundled_database: Path) -> None:
    before = hashlib.sha256(bundled_database.read_bytes()).hexdigest()
    text = (RAW / "2024_huaian_hongzequ.txt").read_text(encoding="utf-8")
    draft = _with_lines(text, {100: ("0", "2"), 106: ("0", "2")})
    app = upload(bundled_database, "draft.txt", draft)
    assert not app.exception
    assert hashlib.sha256(bundled_database.read_bytes()).hexdigest() == before
    # The checked draft is not among the stored reports: 机关档案 still shows the printed 0.
    assert cell_sum(bundled_database, "applications.carried_over.total",
                    "r.agency_id = ? AND r.year = 2024", (HONGZE,)) == 0  # fmt: skip


# --- The module's functions -----------------------------------------------------------------


def test_the_json_is_what_etl_parse_writes() -> None:
    path = RAW / "2023_huaian_hongzequ.txt"
    written = run_cli("parse", str(path))
    assert written.returncode == 0, written.stderr
    assert check.report_json(parsed("2023_huaian_hongzequ")) == written.stdout
    assert check.json_name("2023_huaian_hongzequ.txt") == "2023_huaian_hongzequ.json"


@pytest.mark.parametrize(
    ("key", "before", "now", "big"),
    [
        ("received", 21, 95, True),
        ("received", 95, 21, True),
        ("received", 10, 20, True),  # doubled, by 10
        ("received", 10, 19, False),  # not doubled
        ("received", 1, 3, False),  # tripled, but by 2
        ("received", 0, 10, True),
        ("received", None, 10, False),
        ("disclosure_rate", 0.5, 0.7, True),
        ("disclosure_rate", 0.5, 0.69, False),
        ("disclosure_rate", 0.7, None, False),
    ],
)
def test_what_counts_as_a_big_change(key: str, before: float, now: float, big: bool) -> None:
    assert check.big_change(key, before, now) is big
