"""指标说明 — every measure, its formula, its template label."""

import streamlit as st

from app import show
from app.definitions import NOTES, definitions
from app.filters import current

st.title("指标说明")
st.caption("看板中每个指标的含义、计算方法和它在年度报告模板中的位置。")
table = definitions()
# A static table: the definitions are read in full, with long labels wrapped.
st.table(table, hide_index=True)
show.csv_download(table, "指标说明", current(), key="definitions")
st.subheader("计算规则")
for note in NOTES:
    st.markdown(f"- {note}")
