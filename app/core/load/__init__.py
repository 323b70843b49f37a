"""Files of any format (JSON lines, JSON arrays, Parquet) -> the immutable base frame in one inner shape, and its load report; uses io."""
