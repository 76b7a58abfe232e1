"""Qt widgets, screens and stations. Talks to services and i18n only."""
