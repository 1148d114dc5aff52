"""Durable jobs: deliveries and the sweeper that claims due jobs and hands them to an adapter."""

from engine.scheduling.delivery import Deliver, Delivery, PostRefused, Refusal, node_id
from engine.scheduling.sweeper import JobRunner, Sweeper

__all__ = ["Deliver", "Delivery", "JobRunner", "PostRefused", "Refusal", "Sweeper", "node_id"]
