"""What every room of the UI uses: background workers, plain-text display of data, themes, the blocking dialogs, signal titles, a read-only text table model; uses core."""
