"""NPS and CSAT: definitions, edge cases and groups."""

import numpy as np
import pandas as pd
import pytest

import journeykit as jk


def test_nps_definition():
    assert jk.nps([10, 9, 8, 7, 6, 0]) == pytest.approx(0.0)
    assert jk.nps([10, 9, 9]) == 1.0  # fractions, like every rate; +100 in points
    assert jk.nps([0, 3, 6]) == -1.0
    assert jk.nps([7, 8]) == 0.0
    assert jk.nps([10, 10, 10, 0]) == pytest.approx(0.5)


def test_missing_answers_are_ignored():
    assert jk.nps(pd.Series([10, None, np.nan, 6], dtype="Float64")) == pytest.approx(0.0)
    assert jk.csat([5, None, 1]) == pytest.approx(0.5)


def test_nothing_left_is_an_error():
    with pytest.raises(ValueError, match="no NPS answers left after dropping missing values"):
        jk.nps([None, np.nan])
    with pytest.raises(ValueError, match="no CSAT answers left"):
        jk.csat(pd.Series([], dtype=float))


def test_off_scale_values_are_named():
    with pytest.raises(ValueError, match=r"has 2 values off the 0-10 scale \(e.g. 11 in row 1, -1 in row 2\)"):
        jk.nps([10, 11, -1, 5])
    with pytest.raises(ValueError, match=r"has 1 value off the 0-10 scale \(e.g. 7.5 in row 0\)"):
        jk.nps([7.5, 8])
    with pytest.raises(ValueError, match=r"(?s)CSAT answers failed validation.*2 values off the 1-5 scale \(e.g. 0 in "
                                         r"row 0, 6 in row 1\)"):
        jk.csat([0, 6, 3])
    with pytest.raises(ValueError, match="answers that are not numbers \\(e.g. 'great' in row 0\\)"):
        jk.csat(["great", 5])


def test_csat_definition():
    assert jk.csat([5, 4, 3, 2, 1]) == pytest.approx(0.4)
    assert jk.csat([5, 5]) == 1.0
    assert jk.csat([1, 2, 3]) == 0.0


def test_per_group_with_answer_counts():
    surveys = pd.DataFrame({"stage": ["A"] * 4 + ["B"] * 2, "nps": [10, 9, 6, None, 0, 8],
                            "csat": [5, 4, 2, 1, None, 5]})
    by_stage = jk.nps(surveys, by="stage").set_index("stage")
    assert by_stage.loc["A", "answers"] == 3
    assert by_stage.loc["A", "nps"] == pytest.approx(2 / 3 - 1 / 3)
    assert by_stage.loc["B", ["promoters", "passives", "detractors"]].tolist() == [0.0, 0.5, 0.5]
    assert by_stage["small_sample"].all()
    assert (by_stage["ci_low"] <= by_stage["nps"]).all() and (by_stage["nps"] <= by_stage["ci_high"]).all()
    c = jk.csat(surveys, by="stage").set_index("stage")
    assert c.loc["A", "answers"] == 4 and c.loc["A", "csat"] == 0.5 and c.loc["B", "answers"] == 1
    assert c.loc["A", "mean_score"] == 3.0


def test_groups_given_as_labels():
    result = jk.nps(pd.Series([10, 0, 9]), by=["x", "y", "x"])
    assert result.set_index("group")["nps"].to_dict() == {"x": 1.0, "y": -1.0}


def test_by_column_needs_the_table():
    with pytest.raises(ValueError, match="pass the whole survey table"):
        jk.nps(pd.Series([10]), by="stage")


def test_all_promoters_group_interval_stays_on_the_scale():
    result = jk.nps(pd.DataFrame({"g": ["x"] * 50, "nps": [10] * 50}), by="g")
    assert result["ci_high"].iloc[0] == 1.0
