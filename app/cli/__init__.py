"""The command line (`python -m app VERB`): the parser and entry point (main), the verbs by job (release, curation, tool) and what they share (common); uses core, bench and the launcher."""
