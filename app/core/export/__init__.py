"""Writing the curated release: faithful JSONL (the release's bytes but the changed lines), Parquet, one file or the input's tree, and where an export may not write; uses curate, load and io."""
