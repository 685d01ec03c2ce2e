"""One module per page; each has a ``page()`` that the router in app.py runs."""
