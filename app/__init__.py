"""patternkb's window and command line: the only package that imports Qt."""

import logging

# A library's loggers stay quiet until the program configures logging: without this, Python's
# last-resort handler would print every warning on stderr, where the command's one-line
# errors go. What the user must see goes through app/messages.py to the window.
logging.getLogger(__name__).addHandler(logging.NullHandler())
