"""COVID-19: how severe were lockdowns (OxCGRT) and how did mobility (Google) follow, country by country."""
import streamlit as st

from components import covid_data as data
from components.chart_export import chart
from components.charts.mobility import category_over_time, country_palette, index_and_mobility, index_over_time
from components.covid_downloads import FULL_MOBILITY, INDICATORS, offer
from components.covid_export import csv_download
from components.covid_inputs import LABELS, choose_selection, credits, source_line
from components.covid_relation import ranking_table, relation_section, standing
from components.covid_sections import LABELS as VIEW_LABELS
from components.linked_view import LinkNote, folded_section
from components.covid_sections import (
    CLOCK_PARAMETERS, MAP_PARAMETERS, choose_indicators, clock_section, indicator_label, map_section, marks_of,
    policy_timelines,
)
from components.shell import ensure_app_navigation
from components.url_state import BIND
from data.covid import CATEGORY_LABELS, mobility_source
from models.covid_mobility import export_table

ensure_app_navigation()

st.title("COVID-19 lockdowns and mobility")
st.write(
    "How strict were governments' COVID-19 measures, and how much did people's movements change? The **Oxford "
    "COVID-19 Government Response Tracker (OxCGRT)** scores each country's policies daily from 0 to 100; **Google's "
    "Community Mobility Reports** give the change in visits to places against a pre-pandemic baseline (the median "
    "for the same weekday, 3 Jan - 6 Feb 2020), smoothed here by a centred moving average. The defaults follow the "
    "article *Severity of lockdowns and how they are reflected in mobility data*: did Sweden really have no lockdown?"
)

link = LinkNote(LABELS | VIEW_LABELS)
with st.spinner("Loading OxCGRT's indices and Google's mobility reports ..."):
    selection, held = choose_selection()
if selection is None:
    st.info("Choose the period's end date too.")
    credits()
    st.stop()
indicators, catalog = data.indicators_now()
chosen = choose_indicators(catalog) if indicators is not None else []
held["indicators"] = [indicator_label(catalog, code) for code in chosen]
source = mobility_source()
st.caption(f"Mobility in use: **{source.label}**, retrieved {source.retrieved}, {source.first_date} to "
           f"{source.last_date}.")
countries, categories, index_label = selection.countries, selection.categories, selection.index_label
palette = country_palette(countries)
in_period, shown = selection.index(), selection.mobility()

notes = selection.coverage() if countries else []
if notes:
    st.warning("**Mobility coverage**\n" + "".join(f"\n- {note}" for note in notes), icon=":material/info:")
full_offer = offer(FULL_MOBILITY, "The bundled copy of Google's reports has about 125 countries to June 2021; "
                                  "Google's complete report has about 135 to October 2022 (national rows are kept).")
marks = marks_of(selection, indicators, catalog, chosen)

if not countries:
    st.info("Choose at least one country to compare (or click one on the world map); the ranking of all countries "
            "is below.")
else:
    st.subheader("Mobility by category")
    if not categories:
        st.info("Choose at least one mobility category.")
    elif shown.empty:
        st.info("No Google mobility data for these countries in this period.")
    else:
        grid = st.columns(2)
        for i, category in enumerate(categories):
            with grid[i % 2]:
                chart(category_over_time(shown, category, palette, marks), f"{CATEGORY_LABELS[category]} mobility",
                      key=f"mobility_{category}", source=source_line())
        st.caption(f"{2 * selection.half_window + 1}-day centred moving average of Google's daily percent change "
                   "from baseline." + (" Points: policy changes (▲ tighter, ▼ looser, ◆ both; hover for which)."
                                       if marks is not None else ""))

    st.subheader(index_label)
    chart(index_over_time(in_period, index_label, palette), index_label, key="index_chart", source=source_line())
    standing(selection)
    st.subheader("The policies behind the index")
    indicator_offer = offer(INDICATORS, "OxCGRT's individual indicators (school and workplace closing, stay-at-home, "
                                        "travel, masks, ...) show which measures came when.")
    if indicators is not None:
        timelines = folded_section("Each country's indicators over time", "show_policies", ["indicators"])
        with timelines:
            if timelines.open:
                policy_timelines(selection, indicators, catalog, chosen)

st.write("More views, each drawn when opened:")
one_country = folded_section("One country: index and mobility together, the relation quantified", "show_country",
                             ["focus"])
with one_country:
    if not countries:
        st.info("Choose at least one country.")
    elif one_country.open:
        focus = st.selectbox("Country", countries, key="focus", bind=BIND)
        held["focus"] = focus
        focus_code = selection.code(focus)
        focus_index = in_period[in_period["country_code"] == focus_code]
        focus_marks = None if marks is None else marks[marks["country_code"] == focus_code]
        chart(index_and_mobility(shown[shown["country_code"] == focus_code], focus_index, focus, index_label,
                                 focus_marks), f"{focus}: {index_label.lower()} and mobility", key="focus_chart",
              source=source_line())
        relation_section(selection, focus, focus_index, shown, in_period, palette)
clock = folded_section("Countries on a common clock", "show_clock", CLOCK_PARAMETERS)
with clock:
    if not countries:
        st.info("Choose at least one country.")
    elif clock.open:
        held |= clock_section(selection, indicators, catalog, in_period, shown)
world = folded_section("The world on one day: a map", "show_map", MAP_PARAMETERS)
with world:
    if world.open:
        held |= map_section(selection)
every_country = folded_section("All countries ranked", "show_ranking")
with every_country:
    if every_country.open:
        ranking_table(selection)
held |= {key: section.open for key, section in (("show_country", one_country), ("show_clock", clock),
                                                ("show_map", world), ("show_ranking", every_country))}

st.subheader("Export")
csv_download("Shown countries as CSV", export_table(in_period, shown, selection.index_name), "covid_mobility.csv",
             selection, key="shown_csv")
st.caption("Each CSV starts with `#` lines naming the view, the sources, their licences and retrieval dates, and "
           "the smoothing; read it with `pandas.read_csv(path, comment=\"#\")`.")
credits()

link.show(held)
full_offer.follow()
if countries:
    indicator_offer.follow()
