"""Files -> the immutable base frame and its load report (the schema, finding and parsing the files); uses io."""
