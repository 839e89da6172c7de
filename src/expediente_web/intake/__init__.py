"""Import of source files into the case record, and export of a whole case."""
