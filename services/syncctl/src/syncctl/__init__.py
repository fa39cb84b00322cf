"""syncctl: the support and operator CLI (DLQ list/show/replay, reconcile, webhooks)."""
