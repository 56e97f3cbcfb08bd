"""Egide: a privacy-operations engine driven by the GDPR art. 30 register."""

__version__ = "0.1.0"
