"""Qt item models: thin adapters over core data (row-position vectors, load reports)."""
