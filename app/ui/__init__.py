"""Qt only: translates between Qt and app.core and decides nothing; one room per job (shell, review, curate, analysis, browse, common, probes)."""
