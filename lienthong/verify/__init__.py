"""``lienthong verify``: reconcile the four services' databases and the gateway's counters.

Each service describes what it decided, holds and owns in ``GET /admin/ledger``
(``lienthong/runtime/admin_ledger.py``); :mod:`~lienthong.verify.ledgers` reads those answers,
:mod:`~lienthong.verify.checks` and :mod:`~lienthong.verify.counters` hold one function per rule,
:mod:`~lienthong.verify.pending` decides whether an open dossier is visibly pending, and
:mod:`~lienthong.verify.report` runs them all and prints the result. Nothing here does I/O: the
command (``lienthong/cli/commands/verify.py``) fetches the ledgers.
"""
