"""Qt widgets and models: translate between Qt and app.core, decide nothing."""
