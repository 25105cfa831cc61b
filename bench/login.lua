-- wrk script for bench/login.sh: every request is a password login of the bench user.
-- The password comes from the environment (BENCH_PASSWORD), never from the command line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"method":"password","login":"bench","password":"%s"}',
                         os.getenv("BENCH_PASSWORD"))
