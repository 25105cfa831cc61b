-- wrk script for bench/cas.sh and bench/peers/django-cas.sh: each request asks the CAS
-- login endpoint (the URL given to wrk, with ?service=...) for a service ticket, sending
-- the cookie of a signed-in session, and each thread writes the tickets of the redirects
-- to its own file, $BENCH_TICKET_DIR/<thread number>, one a line, for as long as wrk runs.
-- The cookie comes from the environment (BENCH_COOKIE), never from the command line.
local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
local file

function init(args)
    minted, failed = 0, 0
    file = assert(io.open(os.getenv("BENCH_TICKET_DIR") .. "/" .. id, "w"))
    file:setvbuf("line")
end

function response(status, headers, body)
    local location = headers["Location"] or headers["location"]
    local ticket = location and location:match("[?&]ticket=([^&]+)")
    if (status == 302 or status == 303) and ticket then
        file:write(ticket, "\n")
        minted = minted + 1
    else
        failed = failed + 1
    end
end

function done(summary, latency, requests)
    local minted, failed = 0, 0
    for _, thread in ipairs(threads) do
        minted = minted + thread:get("minted")
        failed = failed + thread:get("failed")
    end
    local seconds = summary.duration / 1e6
    io.write(string.format("minted %d failed %d seconds %.3f rate %.1f\n", minted, failed, seconds, minted / seconds))
end
