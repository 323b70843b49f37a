"""Several curators: where versions come from (lineage), merging two curators' work, merging projects, how often they agree; the top floor of the core, uses every room below."""
