"""The load generator behind ``lienthong load`` and ``lienthong bench``.

Small modules, each with one job: :mod:`~lienthong.load.plan` turns rate, ramp, duration and
profile into submission instants; :mod:`~lienthong.load.forms` prepares the request bodies
ahead of time; :mod:`~lienthong.load.submit` sends them (open loop, closed loop, batches)
over the cheap client of :mod:`~lienthong.load.wire`; :mod:`~lienthong.load.observe` follows
the gateway, :mod:`~lienthong.runtime.lag` the consumer groups and :mod:`~lienthong.load.procs`
the processes; :mod:`~lienthong.load.engine` runs it all; :mod:`~lienthong.load.report`
summarises (with :mod:`~lienthong.load.stats`), :mod:`~lienthong.load.thresholds` judges, and
:mod:`~lienthong.load.text` and :mod:`~lienthong.load.html` say what happened.
"""
