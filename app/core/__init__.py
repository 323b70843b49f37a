"""Pure Python + Polars. Never imports Qt or app.ui (enforced by an import-linter contract)."""
