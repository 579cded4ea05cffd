"""gp-reader: Ben Gowland's general practice blogs, offline, in the terminal."""

__version__ = "0.1.0"
