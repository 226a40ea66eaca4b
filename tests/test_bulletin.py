"""The 通报 of 淮安市 2024, written by ``python -m etl bulletin``: opened with
python-docx, its figures are the dashboard's for the same filters; rendered
to PDF by LibreOffice for a person to look at (artifacts/bulletin-*.png)."""

from __future__ import annotations

from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from etl.readers import libreoffice
from tests.browser import ARTIFACTS
from tests.conftest import dashboard, run_cli
from tests.test_register import NEVER_REPORTED, registered  # noqa: F401  (the fixture)


@pytest.fixture(scope="module")
def written(registered: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("bulletin") / "通报.docx"
    result = run_cli(
        "bulletin", "--db", str(registered), "--region", "淮安市", "--year", "2024",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no Streamlit chatter on a command's output
    return out


def _tables(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_the_bulletin_says_who_reported_late_or_not_at_all(written: Path) -> None:
    document = docx.Document(str(written))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "关于淮安市2024年度政府信息公开工作年度报告发布情况的通报" in text
    assert (
        "按应报名录，2024 年度应发布报告的机关 4 个：已发布 2 个，"
        "其中逾期发布（晚于 2025 年 1 月 31 日）1 个；未发布 2 个。"
        "另有 1 个机关的报告未能读出发布日期，是否按时有待核实。" in text
    )
    assert f"未发布报告的机关（2 个）：{'、'.join(NEVER_REPORTED)}。" in text
    late = _tables(document)[0]
    assert late == [
        ["机关", "发布日期", "发布日期出处"],
        ["洪泽区人民政府", "2025-02-15", "「发布日期」（第 1 行）"],
    ]


def test_its_figures_are_the_dashboards_for_the_same_filters(
    written: Path,
    registered: Path,  # noqa: F811
) -> None:
    app = dashboard(registered, **{"province": "江苏省", "city": "淮安市", "from": "2023"})
    app.run()
    assert not app.exception
    cards = {metric.label: (metric.value, metric.proto.delta) for metric in app.metric}
    figures = next(table for table in _tables(docx.Document(str(written))) if table[0][0] == "指标")
    assert figures[0][:3] == ["指标", "2024 年度", "较 2023 年度"]
    assert len(figures) - 1 == len(cards) == 8
    for label, value, change, _definition in figures[1:]:
        shown, delta = cards[label]
        assert value.split("（")[0] == shown, label  # 59.6%（1,875 / 3,145 件）: the card's value
        assert change == delta, label
    assert figures[4][1] == "59.6%（1,875 / 3,145 件）"


def test_rankings_carry_their_cases_and_the_minimum(written: Path) -> None:
    document = docx.Document(str(written))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "（二）公开率前 10 名（10 件以上的机关）" in text
    rankings = [table for table in _tables(document) if table[0][0] == "排名"]
    received, disclosure, correction = rankings
    assert received[1] == ["1", "淮安市人民政府", "1", "3,119", "320800-人民政府"]
    assert disclosure[0] == ["排名", "机关", "报告数", "公开率", "公开率·分子", "公开率·分母",
                             "机关编号"]  # fmt: skip
    assert disclosure[1] == ["1", "淮安市洪泽区人民政府", "1", "62.1%", "59", "95",
                             "320813-人民政府"]  # fmt: skip
    # 洪泽区's 2 review cases are below the minimum of 10: not ranked, and said so.
    assert [row[1] for row in correction[1:]] == ["淮安市人民政府"]
    assert "另有 1 个机关不足 10 件，不排名。" in text


def test_the_bulletin_renders_to_pages(written: Path, tmp_path: Path) -> None:
    (pdf,) = libreoffice.convert([written], "pdf", tmp_path, file=written.name)
    document = pdfium.PdfDocument(pdf)
    assert 2 <= len(document) <= 4
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "一、报告发布情况" in text and "四、机关排名" in text
    ARTIFACTS.mkdir(exist_ok=True)
    for number, page in enumerate(document, start=1):
        page.render(scale=1.2).to_pil().save(ARTIFACTS / f"bulletin-{number}.png")


def test_an_unknown_region_is_one_clear_line(registered: Path, tmp_path: Path) -> None:  # noqa: F811
    result = run_cli(
        "bulletin", "--db", str(registered), "--region", "南京市", "--year", "2024",
        "--out", str(tmp_path / "x.docx"),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{registered}: 地区「南京市」在数据和应报名录中都没有：请写省、市或区县的全称，如“淮安市”"
    )
    assert not (tmp_path / "x.docx").exists()


def test_the_check_opinion_lists_the_reports_findings_and_its_changes(
    bundled_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from app.bulletin import check_opinion
    from app.check import check, figure_changes
    from tests.conftest import CORPUS

    monkeypatch.setenv("XXGK_DB", str(bundled_database))
    pdf = check((CORPUS / "orig" / "2023_huaian_hongzequ.pdf").read_bytes(), "洪泽区2023.pdf")
    document = docx.Document(io.BytesIO(check_opinion(pdf)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "关于洪泽区人民政府2023年度政府信息公开工作年度报告的检查意见" in text
    assert "发布日期：2024-02-26（PDF 文件属性「创建时间」）" in text
    errors, warnings = _tables(document)
    assert [row[:2] for row in errors] == [["序号", "问题"], ["1", "复议诉讼总计不符"],
                                           ["2", "复议诉讼总计不符"]]  # fmt: skip
    assert errors[1][2] == pdf.findings.message.iloc[0]  # the page's words
    assert [row[1] for row in warnings[1:]] == ["逾期发布"]
    assert "数据库中没有该机关 2022 年度的报告，未作对比。" in text

    # 2024, whose year before is loaded: the page's table of changes, row for row.
    later = check((CORPUS / "raw" / "2024_huaian_hongzequ.txt").read_bytes(), "洪泽区2024.txt")
    changes = _tables(docx.Document(io.BytesIO(check_opinion(later))))[-1]
    shown = figure_changes(later)
    assert changes == [list(shown.columns), *shown.astype(str).values.tolist()]
    assert changes[0] == ["指标", "2023 年度", "2024 年度", "变化", "提示"]
