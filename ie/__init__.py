"""ie — structured, checked data from Chinese government information-disclosure annual reports."""

__version__ = "0.1.0"
SCHEMA_VERSION = "1"
