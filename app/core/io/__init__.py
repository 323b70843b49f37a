"""Bytes on disk, the ground floor: crash-safe writes, release files and their raw lines; imports nothing of app."""
