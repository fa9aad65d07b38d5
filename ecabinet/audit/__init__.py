"""Cross-cutting audit trail. Services call `audit.record(...)` (or `audit.record_many`
for entries written together); nothing else writes entries."""


def record(**kwargs):
    # Imported here: this package is an app, and its models load after app set-up.
    from ecabinet.audit.services import record as _record

    return _record(**kwargs)


def record_many(entries):
    from ecabinet.audit.services import record_many as _record_many

    return _record_many(entries)


def entry(**kwargs):
    """One entry for `record_many`, with the arguments `record` takes."""
    from ecabinet.audit.services import Entry

    return Entry(**kwargs)
