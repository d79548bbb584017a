# Test code only: see __init__.py.
import json
import os


class _Record:
    def __init__(self, values):
        self._values = values

    def model_dump(self):
        return dict(self._values)


def _records(job_ids):
    import sky

    folder = os.path.join(os.environ["FAKE_SCHEDULER_DIR"], "jobs")
    with open(os.path.join(os.environ["FAKE_SCHEDULER_DIR"], "calls.jsonl"), "a") as calls:
        calls.write(json.dumps({"tool": "sky-sdk", "argv": ["queue", job_ids]}) + "\n")
    records = []
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not (name.startswith("sky-") and name.endswith(".json")):
            continue
        with open(os.path.join(folder, name)) as handle:
            job = json.load(handle)
        if job_ids is not None and int(job["id"]) not in job_ids:
            continue
        state = {"COMPLETED": "SUCCEEDED"}.get(job["state"], job["state"])
        reason = "Job failed with exit code %s" % job.get("exitCode") if state == "FAILED" else None
        records.append(_Record({"job_id": int(job["id"]), "job_name": job["name"], "status": sky.ManagedJobStatus(state),
                                "failure_reason": reason, "task_id": 0}))
    return records


def queue_v2(refresh, skip_finished=False, all_users=False, job_ids=None, limit=None, fields=None, sort_by=None, sort_order=None):
    import sky

    records = _records(job_ids)
    return sky._submit((records, len(records), {}, len(records)))


def queue(refresh, skip_finished=False, all_users=False, job_ids=None, version=1):
    import sky

    return sky._submit(_records(job_ids))
