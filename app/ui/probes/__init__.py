"""Measuring the running window from outside (python -m): startup and paint gaps (gui_bench), key press to next review item painted (latency); uses the shell."""
