"""``python -m syncctl`` is the same as the ``syncctl`` console script."""

from syncctl.cli import main

raise SystemExit(main())
