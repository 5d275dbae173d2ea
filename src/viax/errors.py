"""The root of every error viax raises on purpose."""


class ViaxError(Exception):
    """Base class of the errors this package raises."""


class ConfigurationError(ViaxError):
    """A setting or a model file is invalid."""


class StoreError(ViaxError):
    """The store failed in a way the caller cannot fix by retrying input."""


class SchemaBehindError(StoreError):
    """The database is not migrated to the head revision."""
