"""机关对比 — agencies side by side on one measure, ranked, and against the
median of their peers."""

import pandas as pd
import streamlit as st

from app import aggregate, compare, minimum, multiples, plain, show
from app.filters import AGENCY_LIST_LIMIT, Filters, agency_count, current, names_of
from app.measures import MEASURE_BY_KEY
from app.urlstate import lazy_section, put_in_url, url_choice, url_widget

AGENCY_KEY = "cmp_agency"


def choose_agencies(filters: Filters) -> list[str]:
    """The searchable agency picker, its choice kept in the URL."""
    total = agency_count(filters)
    search = ""
    if total > AGENCY_LIST_LIMIT:
        search = st.text_input(
            "机关名称关键词",
            key="cmp_search",
            help=f"当前范围内有 {total:,} 个机关，先输入名称中的字词再选择。",
        ).strip()

    def render() -> list[str]:
        options = compare.agency_options(filters, search, st.session_state.get(AGENCY_KEY, []))
        return st.multiselect(
            "对比的机关",
            list(options),
            format_func=options.__getitem__,
            key=AGENCY_KEY,
            placeholder="输入名称搜索",
            help="候选为左侧地区、层级、机关类型范围内的机关；可输入名称搜索。",
        )

    # Agencies picked in the sidebar, when they are a comparable few, come preselected.
    preselected = (
        list(filters.agencies) if compare.bound_message(len(filters.agencies)) is None else []
    )
    return url_widget(
        AGENCY_KEY, default=preselected, parse=compare.parse_agencies, encode=list, render=render
    )


def keep_agencies_aside() -> None:
    """In the region mode the picker is not drawn: keep its choice for when
    the user switches back, and leave it out of the link."""
    if AGENCY_KEY in st.session_state:
        st.session_state[AGENCY_KEY] = st.session_state[AGENCY_KEY]
    put_in_url(AGENCY_KEY, [])


def side_by_side(scope: Filters, drawn: pd.DataFrame, min_cases: int) -> None:
    """The chosen agencies on several measures: small multiples and one table."""
    side_keys = url_widget(
        "cmp_more",
        default=multiples.DEFAULT_MEASURES,
        parse=multiples.parse_measures,
        encode=list,
        render=lambda: st.multiselect(
            "并列的指标",
            list(compare.MEASURE_CHOICES),
            format_func=aggregate.label,
            key="cmp_more",
            max_selections=multiples.MAX_MEASURES,
            placeholder="选择指标",
            help=f"最多 {multiples.MAX_MEASURES} 个指标，每个指标一幅小图、表中一组列。",
        ),
    )
    if side_keys:
        # A rate beside the others is compared over the same minimum of cases as
        # the ranking; asked for here when the page's own measure is a count.
        with_rates = any(MEASURE_BY_KEY[key].is_rate for key in side_keys)
        side_min = min_cases or (minimum.minimum_cases("cmp_min") if with_rates else 0)
        side = multiples.table(
            multiples.figures(scope, side_keys, list(drawn.agency_id)), drawn, side_keys, side_min
        )
        show.chart(multiples.figure(side, side_keys), side, "机关对比-多指标并列", scope,
                   key="compare-multiples")  # fmt: skip
        # height="content": all rows, in print too.
        show.table(side, "机关对比-多指标并列", scope, key="compare-multiples-table",
                   column_config=multiples.column_config(), height="content",
                   opens=show.profile_queries(side[multiples.AGENCY_ID]))  # fmt: skip
        rates = multiples.definitions(side_keys)
        parts = f"（{rates}）" if rates else ""
        least = f"；分母不足 {side_min:,} 件的比率不比较，图中不画" if with_rates else ""
        st.caption("每行为一个机关的一个指标，均为所选年度的合计；计数列于“数值”，比率列于“比率”，"
                   f"为合计后的分子 ÷ 分母{parts}{least}。")  # fmt: skip


filters = current()
st.title("机关对比")
show.scope_caption(filters)

mode = url_choice(
    "cmp_mode",
    "对比方式",
    compare.MODES,
    default="agencies",
    horizontal=True,
    help="选择具体机关；或取左侧所选地区（不选为全国）与层级内的全部机关。",
)
measure_key = url_choice(
    "cmp_measure",
    "指标",
    {key: aggregate.label(key) for key in compare.MEASURE_CHOICES},
    default=compare.DEFAULT_MEASURE,
    widget=st.selectbox,
)
measure = MEASURE_BY_KEY[measure_key]
st.caption(f"**{measure.label}**：{measure.definition}。来源：{measure.source}。")
min_cases = minimum.minimum_cases("cmp_min") if measure.is_rate else 0
show.stop_if_empty(int(aggregate.total(filters, "reports")["reports"]))

if mode == "agencies":
    chosen = choose_agencies(filters)
    message = compare.bound_message(len(chosen))
    if message:
        (st.info if len(chosen) < compare.MIN_AGENCIES else st.warning)(
            message, icon=":material/compare_arrows:"
        )
        st.stop()
    scope = compare.chosen_scope(filters, chosen)
    rows = compare.ranking(scope, measure_key, limit=compare.MAX_AGENCIES, min_cases=min_cases)
    absent = [name for agency_id, name in names_of(chosen).items()
              if agency_id not in set(rows.agency_id)]  # fmt: skip
    if absent:
        names = plain.markdown_text("、".join(sorted(absent)))
        st.caption(f"以下机关在所选年度没有报告，未列入：{names}。")
    show.stop_if_empty(len(rows), "所选机关的报告")
    drawn = rows
else:
    keep_agencies_aside()
    message = compare.region_scope_message(filters)
    if message:
        st.info(message, icon=":material/compare_arrows:")
        st.stop()
    scope = filters
    rows = compare.ranking(scope, measure_key, min_cases=min_cases)
    show.stop_if_empty(len(rows), "机关")
    in_scope = int(rows.in_scope.iloc[0])
    drawn = rows.head(compare.CHART_LIMIT)
    shown = [f"范围内共 {in_scope:,} 个机关"]
    if in_scope > len(drawn):
        shown.append(f"图中为按{measure.label}排名前 {len(drawn)} 的机关")
    if in_scope > len(rows):
        shown.append(f"排名表与同类对比列出前 {len(rows):,} 个")
    st.caption("，".join(shown) + "。")

st.subheader("逐年对比")
yearly = compare.yearly_table(
    compare.yearly(scope, measure_key, list(drawn.agency_id)), drawn, measure_key
)
show.chart(compare.yearly_figure(yearly, measure_key), yearly, f"机关对比-{measure.label}-逐年",
           scope, key="compare-yearly")  # fmt: skip

st.subheader("排名")
st.caption(f"按所选年度合计的{measure.label}排名；比率为合计后的分子 ÷ 分母。")
compare.show_ranking(rows, measure, min_cases, f"机关对比-{measure.label}", scope,
                     key="compare-ranking")  # fmt: skip

st.subheader("与同类机关中位数对比")
peer_scope = url_choice(
    "cmp_peers",
    "同类机关范围",
    compare.PEER_SCOPES,
    default="country",
    horizontal=True,
    help="在全国、该机关所在省或所在市内找层级与机关类型相同的机关。",
)
st.caption(compare.peer_definition(peer_scope))
medians = compare.peer_medians(filters, measure_key, list(rows.agency_id), peer_scope, min_cases)
peers = compare.peer_table(rows, medians, measure_key, min_cases)
peer_topic = f"机关对比-{measure.label}-{compare.PEER_SCOPES[peer_scope]}同类中位数"
show.table(peers, peer_topic, scope, key="compare-peers",
           column_config=compare.column_config(peers, measure, peer_scope),
           opens=show.profile_queries(rows.agency_id))  # fmt: skip

# Several measures at once cost the page a chart and a table of their own:
# built only when the section is opened, so the comparison above comes first.
side_section = lazy_section("cmp_side", "多指标并列：几个指标一起比较", opened_by="cmp_more")
if side_section is not None:
    with side_section:
        side_by_side(scope, drawn, min_cases)
