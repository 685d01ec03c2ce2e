"""The uploader's texts in the page's language (aeviz/ui/uploader.py): what Streamlit's CSS is given."""
from aeviz.ui.uploader import type_names, uploader_css


def test_type_names_merge_jpg_and_jpeg_and_keep_the_order():
    assert type_names(["png", "jpg", "jpeg"]) == "PNG, JPEG"
    assert type_names(("JPEG", "png", "json")) == "JPEG, PNG, JSON"


def test_the_css_quotes_the_texts():
    css = uploader_css('Tải "lên"', "Tối đa 10 MB \\ PNG", "Thả", "Có tệp bị từ chối")
    assert 'content: "Tải \\"lên\\""' in css
    assert 'content: "Tối đa 10 MB \\\\ PNG"' in css
    assert 'content: "Thả"' in css
    assert 'content: "Có tệp bị từ chối"' in css
    assert css.startswith("<style>") and css.endswith("</style>") and css.count("{") == css.count("}") == 7
