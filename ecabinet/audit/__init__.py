"""Cross-cutting audit trail. Services call `audit.record(...)`; nothing else writes entries."""


def record(**kwargs):
    # Imported here: this package is an app, and its models load after app set-up.
    from ecabinet.audit.services import record as _record

    return _record(**kwargs)
