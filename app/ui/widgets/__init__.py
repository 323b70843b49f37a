"""Widgets of the main window, one module each; none decides anything on its own."""
