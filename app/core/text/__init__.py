"""Text passes over a frame: jieba tokens, the token cache, near-duplicates, quality signals, worker processes; uses load and io."""
