"""Shared settings: hypothesis runs a fixed, bounded set of examples."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "tessera",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
settings.load_profile("tessera")
