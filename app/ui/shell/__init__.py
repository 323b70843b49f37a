"""The window's shell: starting the app, composing the main window, the action table and its handlers, preferences, fonts, languages, the self-test; uses every room below."""
