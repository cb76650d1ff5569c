"""``python -m lienthong ...``: how the supervisor starts each service with the same interpreter."""

from lienthong.cli.main import main

raise SystemExit(main())
