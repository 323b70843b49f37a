"""Text passes over a frame: jieba tokens, the token cache, near-duplicates, quality signals, Simplified/Traditional script, benchmark contamination, worker processes; uses load and io."""
