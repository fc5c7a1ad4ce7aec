"""patternkb's window and command line: the only package that imports Qt."""
