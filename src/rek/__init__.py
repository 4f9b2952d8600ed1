"""rek – strategy as code for smart regions."""

__version__ = "0.1.0"
