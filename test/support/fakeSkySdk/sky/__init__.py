# Test code only: a fake of SkyPilot's Python SDK (`sky.get` and `sky.jobs.queue_v2` / `queue`), reading the fake
# scheduler state the fake `sky` CLI writes ($FAKE_SCHEDULER_DIR/jobs/sky-N.json). Records are pydantic-like objects
# (`model_dump()`) whose status is an Enum, as in SkyPilot >= 0.10, so the JSON route's conversions are exercised.
import enum
import json
import os

from . import jobs  # noqa: F401


class ManagedJobStatus(enum.Enum):
    PENDING = "PENDING"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


_requests = {}


def _submit(result):
    request_id = "req-%d" % (len(_requests) + 1)
    _requests[request_id] = result
    return request_id


def get(request_id):
    return _requests.pop(request_id)
