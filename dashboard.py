"""政府信息公开年报看板 — the Streamlit entry: ``streamlit run dashboard.py``."""

import streamlit as st

st.set_page_config(page_title="政府信息公开年报看板", page_icon="📊", layout="wide")
navigation = st.navigation([st.Page("pages/reports.py", title="报告一览", default=True)])
navigation.run()
