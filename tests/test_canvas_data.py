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


def test_a_latent_map_keeps_each_dot_s_row_and_class():
    codes = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, np.inf], [6.0, 7.0]])
    labels = np.array([1, 0, 1, 1])
    m = canvas_data.latent_map(codes, labels, ["zero", "one", "two"], ["#000000", "#111111", "#222222"],
                               (0, 6, 1, 7), height=500, map_id="ckpt|1")
    assert json.loads(json.dumps(m, allow_nan=False)) == m
    # A class with no dot is left out; every dot keeps its row, so a click on it names the test image.
    assert [c["name"] for c in m["classes"]] == ["zero", "one"]
    zero, one = m["classes"]
    assert zero == {"name": "zero", "color": "#000000", "rows": [1], "xs": [2.0], "ys": [3.0]}
    assert one["rows"] == [0, 2, 3] and one["ys"] == [1.0, None, 7.0]
    assert (m["kind"], m["id"], m["height"], m["range"], m["grid"]) == ("latent", "ckpt|1", 500, [0, 6, 1, 7], None)


def test_the_manifold_picture_is_a_png_over_the_axes_with_cell_ticks_for_an_icdf_grid():
    import base64
    import io

    from PIL import Image

    tiled = np.linspace(0, 1, 56 * 84).reshape(56, 84)
    plain = canvas_data.manifold_plot(tiled, (-2, 2, -1, 1), "grid", 400)
    layer = plain["layers"][0]
    assert layer["type"] == "image" and layer["extent"] == [-2.0, 2.0, -1.0, 1.0] and not layer["smooth"]
    png = Image.open(io.BytesIO(base64.b64decode(layer["src"].split(",", 1)[1])))
    assert png.size == (84, 56) and png.mode == "L"
    assert "xticks" not in plain
    ticks = np.array([-1.5, -0.5, 0.5, 1.5])
    icdf = canvas_data.manifold_plot(tiled[:56, :56], (0, 4, 0, 4), "icdf", 400, tick_values=ticks)
    assert [text for _, text in icdf["xticks"]] == ["-1.50", "-0.50", "0.50", "1.50"]
    assert [v for v, _ in icdf["xticks"]] == [0.5, 1.5, 2.5, 3.5]
    assert [text for _, text in icdf["yticks"]] == ["1.50", "0.50", "-0.50", "-1.50"]
    assert [v for v, _ in icdf["yticks"]] == [3.5, 2.5, 1.5, 0.5]
