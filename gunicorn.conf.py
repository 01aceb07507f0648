"""How Casework is served: `gunicorn -c gunicorn.conf.py 'api:create_app()'` (`make run` does).

Threaded workers, so that a request that waits (a read with `?min_position=` waits up to 2 s for
the read models; a client that sends half a request and stalls) holds one thread, not a whole
process: two such clients cannot starve everyone else, as they did with two sync workers. In
production put a buffering reverse proxy (nginx) in front as well: it reads whole requests before
handing them on. Any option here may be overridden on the command line (`--bind`, `--workers`).
"""

bind = "127.0.0.1:5000"
workers = 2
worker_class = "gthread"
threads = 8
timeout = 30
graceful_timeout = 10
keepalive = 5
accesslog = None  # the app logs every request itself, by route pattern: no paths in logs
