"""Pages and scripts served to people's browsers: the cookie banner (``banner.py``, ``static/``)
and the demo shop that shows it at work (``demo/``)."""
