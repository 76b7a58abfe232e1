"""The bundle's entry point (PyInstaller runs this file as ``__main__``): the `kiosk` command."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
