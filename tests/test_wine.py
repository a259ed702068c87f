"""The wine loader on the real UCI files: sets, renamed columns, colour, quality counts, missing data."""
from __future__ import annotations

import pytest

from data.locate import DatasetMissing, Locator
from data.wine import MEASUREMENTS, load_wine

RED_QUALITY = {3: 10, 4: 53, 5: 681, 6: 638, 7: 199, 8: 18}
WHITE_QUALITY = {3: 20, 4: 163, 5: 1457, 6: 2198, 7: 880, 8: 175, 9: 5}


@pytest.mark.parametrize("wines, rows, quality", [("red", 1599, RED_QUALITY), ("white", 4898, WHITE_QUALITY)])
def test_one_colour_has_the_renamed_columns_and_the_published_quality_counts(wines, rows, quality):
    frame = load_wine(wines)
    assert list(frame.columns) == [*MEASUREMENTS, "quality"]
    assert len(frame) == rows
    assert frame["quality"].value_counts().to_dict() == quality
    assert frame.notna().all().all()
    assert all(" " not in name for name in frame.columns)


def test_both_stacks_red_then_white_with_a_colour_column():
    frame = load_wine("both")
    assert list(frame.columns) == [*MEASUREMENTS, "quality", "colour"]
    assert frame["colour"].value_counts().to_dict() == {"red": 1599, "white": 4898}
    assert (frame["colour"].iloc[:1599] == "red").all()
    # full precision survives the read (the file holds values like 9.23333333333333)
    assert frame["alcohol"].round(10).eq(9.2333333333).any()
    red_again = load_wine("red")
    assert frame.iloc[:1599][list(red_again.columns)].equals(red_again)


def test_an_unknown_set_is_refused():
    with pytest.raises(ValueError, match="red"):
        load_wine("rose")


def test_missing_files_raise_a_message_naming_the_data_set(tmp_path):
    locator = Locator((tmp_path / "nowhere",), tmp_path / "downloads", allow_download=False)
    with pytest.raises(DatasetMissing, match="Wine Quality"):
        load_wine("red", locator=locator)
