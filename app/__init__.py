"""CQIA Curator: browse, filter, fix and reject items of a COIG-CQIA style release."""
__version__ = "0.1.0"
