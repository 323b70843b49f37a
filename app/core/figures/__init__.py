"""The numbers shown about a frame: the figures behind `python -m app stats` and the statistics tab's tables; uses query, text and load."""
