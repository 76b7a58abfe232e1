"""Text-to-speech adapters. Nothing here may block, crash or hang the kiosk: see speaker.py."""
