"""Adapters of the gateway's ports: the Kafka publisher and the replay memory."""
