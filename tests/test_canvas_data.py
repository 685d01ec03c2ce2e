"""The dicts the canvas plots draw (aeviz/canvas_data.py) are plain JSON with the colours and grid
edges the plotly figures used."""
import json

import numpy as np

from aeviz import canvas_data


def test_colours_parse_as_plotly_writes_them():
    assert canvas_data.rgba("#4e79a7") == [78, 121, 167, 1.0]
    assert canvas_data.rgba("rgba(90,90,90,0.45)") == [90.0, 90.0, 90.0, 0.45]
    assert canvas_data.rgba("rgb(1, 2, 3)") == [1.0, 2.0, 3.0, 1.0]


def test_non_finite_values_become_gaps_and_grids_get_their_cell_edges():
    assert canvas_data.finite_list([1.23456, np.inf, np.nan, -2], 2) == [1.23, None, None, -2.0]
    assert canvas_data.cell_extent([0, 1, 2], [10, 20]) == (-0.5, 2.5, 5.0, 25.0)
    layer = canvas_data.grid(np.array([[0.0, 1.0], [np.nan, 0.5]]), (0, 1, 0, 1), [[0, "#000000"], [1, "#ffffff"]])
    assert (layer["ny"], layer["nx"]) == (2, 2) and layer["values"] == [0.0, 1.0, None, 0.5]
    assert layer["scale"] == [[0.0, [0, 0, 0, 1.0]], [1.0, [255, 255, 255, 1.0]]]
    plot = canvas_data.map_plot((0, 1, 0, 1), [layer, canvas_data.points([[0.5, 0.5]], ["#123456"], name="a")], 300,
                                keys=[("one", "#123456")])
    assert json.loads(json.dumps(plot, allow_nan=False)) == plot
    assert plot["layers"][1] == {"type": "points", "xs": [0.5], "ys": [0.5], "palette": ["#123456"], "size": 4.4,
                                 "alpha": 0.8, "name": "a"}
