-- wrk script for bench/cas.sh and bench/peers/django-cas.sh: validates the tickets that
-- bench/cas_mint.lua wrote, each once, on the validation endpoint (the URL given to wrk),
-- for the service $BENCH_SERVICE (URL-encoded), for as long as wrk runs. Each thread reads
-- its own file, $BENCH_TICKET_DIR/<thread number>. A thread that runs out of tickets sends
-- $BENCH_SPARE_PATH instead (never a ticket twice) and reports itself exhausted: the run
-- then does not count, and needs more tickets. An answer is counted as validated when it
-- is a CAS authentication success, refused when it is a CAS failure or not a 200.
local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

local service = os.getenv("BENCH_SERVICE")
local spare = os.getenv("BENCH_SPARE_PATH")
local tickets, sent = {}, 0

function init(args)
    validated, refused, exhausted = 0, 0, 0
    for line in io.lines(os.getenv("BENCH_TICKET_DIR") .. "/" .. id) do
        tickets[#tickets + 1] = line
    end
end

function request()
    sent = sent + 1
    if sent > #tickets then
        exhausted = 1
        return wrk.format("GET", spare)
    end
    return wrk.format("GET", wrk.path .. "?service=" .. service .. "&ticket=" .. tickets[sent])
end

function response(status, headers, body)
    if body:find("authenticationSuccess", 1, true) then
        validated = validated + 1
    elseif status ~= 200 or body:find("authenticationFailure", 1, true) then
        refused = refused + 1
    end
end

function done(summary, latency, requests)
    local validated, refused, exhausted = 0, 0, 0
    for _, thread in ipairs(threads) do
        validated = validated + thread:get("validated")
        refused = refused + thread:get("refused")
        exhausted = exhausted + thread:get("exhausted")
    end
    local seconds = summary.duration / 1e6
    io.write(string.format("validated %d refused %d exhausted %d seconds %.3f rate %.1f\n", validated, refused,
                           exhausted, seconds, validated / seconds))
end
