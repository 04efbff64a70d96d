"""gunicorn settings for a Sahayak LMS web instance (docs/deploy.md): the units run
`gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:PORT wsgi:app`."""

import os

# Sync workers, one request at a time each: two per core is a good start (docs/deploy.md,
# capacity). Each keeps DATABASE_POOL_SIZE (+ DATABASE_MAX_OVERFLOW) PostgreSQL connections.
workers = int(os.environ.get("LMS_WEB_WORKERS", "2"))
# A request that takes longer is a bug (bulk work runs as background jobs): its worker is
# replaced, and the log says which request it was.
timeout = 30
graceful_timeout = 25  # `systemctl reload` (HUP) lets running requests finish this long
# Each worker is replaced after about this many requests (the jitter keeps them from all
# restarting at once): whatever a worker's memory gathered over time is given back.
max_requests = 2000
max_requests_jitter = 200
# systemd's journal keeps what gunicorn prints: no log files to rotate.
accesslog = "-"
errorlog = "-"
# The client's address as nginx passed it (X-Forwarded-For holds exactly $remote_addr),
# not the proxy's own 127.0.0.1; then the request, status, bytes and the time it took (µs).
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
# Each instance its own control socket or none: gunicorn's default path is one per user.
control_socket_disable = True


def child_exit(_server, worker) -> None:
    """A worker that exited (a reload, a timeout) leaves its metric files behind: mark them so
    gauges forget it while its counts stay in the instance's totals (lms/metrics.py)."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
