"""A frame -> the rows a filter keeps, facet counts over it, saved views; uses load and io."""
