"""政府信息公开年报看板 — the Streamlit entry: ``streamlit run dashboard.py``."""

import streamlit as st

from app.queries import synthetic_reports
from etl.db.atomic import LoadError

st.set_page_config(page_title="政府信息公开年报看板", page_icon="📊", layout="wide")
try:
    synthetic = synthetic_reports()
except LoadError as error:
    st.error(f"无法打开数据库：{error}")
    st.stop()
if synthetic:
    st.warning(
        f"当前数据含 {synthetic:,} 份合成（模拟）报告，仅供测试和性能评估，不是真实数据。",
        icon="🧪",
    )
navigation = st.navigation([st.Page("pages/reports.py", title="报告一览", default=True)])
navigation.run()
