"""The dashboard's screens, one script module each; ``app.py`` lists them in :data:`analyzer.dashboard.SCREENS`."""
