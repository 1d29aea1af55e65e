-- wrk script for bench/run: cycles through the request paths in the file given after `--`
-- (one URL-encoded path per line) and prints a machine-readable summary line.
local paths = {}
local counter = 0

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then paths[#paths + 1] = line end
    end
    -- threads start at different offsets so that they do not ask the same query in lockstep
    counter = math.random(0, #paths - 1)
end

function request()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "WRK-JSON {\"requests\": %d, \"duration_us\": %d, \"connect_errors\": %d, \"read_errors\": %d, " ..
        "\"write_errors\": %d, \"timeouts\": %d, \"non_2xx\": %d, \"p50_us\": %d, \"p90_us\": %d, " ..
        "\"p99_us\": %d, \"max_us\": %d}\n",
        summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
