"""Infrastructure shared by the services: Kafka, Postgres, logging, metrics, settings.

No business rules live here. Import from the submodules (``plumbing.inbox``,
``plumbing.pipeline``...): each is small and named by its role.
"""
