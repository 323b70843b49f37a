"""Review mode: one item at a time, every decision one or two key presses (issue 5).

keymap.py (the one key table) -> review_controller.py (keys -> core commands) ->
review_view.py (the item, painted); mode.py puts it in the main window; latency.py
measures key press -> next item painted."""
from app.ui.review.mode import ReviewMode

__all__ = ["ReviewMode"]
