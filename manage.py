#!/usr/bin/env python
"""Same as the `benvung` command, for those used to manage.py."""

from benvung.__main__ import main

if __name__ == "__main__":
    main()
