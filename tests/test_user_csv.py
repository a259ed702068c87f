"""Reading uploaded CSVs: every bad case gets a message naming the problem."""
import pandas as pd
import pytest

from data.user_csv import numeric_column, read_user_csv
from core.errors import InputError


def test_reads_comma_and_semicolon_files_and_keeps_formulas_as_text():
    comma = read_user_csv(b"price,quantity\n1,2\n3,4\n")
    assert list(comma.columns) == ["price", "quantity"] and len(comma) == 2
    semicolon = read_user_csv(b"price;quantity;note\n1;2;=HYPERLINK(\"http://x\")\n3;4;ok\n")
    assert semicolon.loc[0, "note"] == '=HYPERLINK("http://x")'


def test_reads_windows_1252_text():
    frame = read_user_csv("caf\xe9,price\nx,1\n".encode("cp1252"))
    assert frame.columns[0] == "caf\xe9"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"price,quantity\n", "no data rows"),
    ],
)
def test_unusable_files_get_a_named_reason(raw, message):
    with pytest.raises(InputError, match=message):
        read_user_csv(raw, name="'upload.csv'")


def test_one_column_is_refused_when_two_are_needed():
    with pytest.raises(InputError, match="1 column"):
        read_user_csv(b"price\n1\n2\n", min_columns=2)


def test_numeric_column_names_a_bad_value():
    frame = pd.DataFrame({"price": ["1", "two", "3"]})
    with pytest.raises(InputError, match="'two'"):
        numeric_column(frame, "price")
    with pytest.raises(InputError, match="no column 'cost'"):
        numeric_column(frame, "cost")
    assert numeric_column(pd.DataFrame({"p": ["1.5", None]}), "p").iloc[0] == 1.5
