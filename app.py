"""ML Atlas: classic machine-learning and deep-learning models on real public data.

Run with ``streamlit run app.py``. The navigation is built from
``components/catalog.py``, grouped by theme.
"""
import streamlit as st

from components.catalog import GROUPS, PAGES
from components.feedback import report_unexpected_errors
from components.shell import clean_model_cache, import_heavy_libraries_in_background, keep_models_warm_between_runs
from core.cache import ModelCache
from core.settings import quick_mode

keep_models_warm_between_runs()
st.set_page_config(page_title="ML Atlas", page_icon=":material/explore:", layout="wide")
if quick_mode():
    st.warning("Quick mode (ML_ATLAS_QUICK=1): models are trained on small subsets for testing; "
               "their accuracy is far below the full models'.", icon=":material/science:")
if not ModelCache().writable():
    st.warning(f"The model cache folder {ModelCache().root} is not writable: models are trained in memory and "
               "retrained after every restart. Set ML_ATLAS_MODEL_DIR to a writable folder.",
               icon=":material/folder_off:")
clean_model_cache()

navigation = {"": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)]}
for group in GROUPS:
    pages = [st.Page(p.script, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES if p.group == group]
    if pages:
        navigation[group] = pages

with report_unexpected_errors():
    st.navigation(navigation).run()
import_heavy_libraries_in_background()  # after the page is drawn, so the first page is not kept waiting
