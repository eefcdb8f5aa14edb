-- bench_match.lua - wrk script for POST /v1/match with inline profiles.
--
--   wrk ... -s tests/bench/bench_match.lua http://127.0.0.1:PORT -- BODIES_FILE TOKEN
--
-- BODIES_FILE holds one request body per line ({"profile":{...}}, written by
-- `bench_match VACANCIES PROFILES --bodies FILE`); each wrk thread cycles
-- through them from its own starting point. Every answer that is not 2xx
-- is counted, and done() prints lines for scripts:
--   wrk_result requests N duration_s S rps R
--   wrk_result latency_ms p50 A p90 B p99 C max D
--   wrk_result non2xx N socket_errors M

local threads = {}

function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end

local bodies = {}
local pos = 0
bad = 0

function init(args)
	for line in io.lines(args[1]) do
		if #line > 0 then bodies[#bodies + 1] = line end
	end
	if #bodies == 0 then error("no bodies in " .. args[1]) end
	wrk.headers["Authorization"] = "Bearer " .. args[2]
	wrk.headers["Content-Type"] = "application/json"
	pos = ((id or 0) * 7919) % #bodies
end

function request()
	pos = pos % #bodies + 1
	return wrk.format("POST", "/v1/match", nil, bodies[pos])
end

function response(status, headers, body)
	if status < 200 or status > 299 then bad = bad + 1 end
end

function done(summary, latency, requests)
	local non2xx = 0
	for _, t in ipairs(threads) do non2xx = non2xx + (t:get("bad") or 0) end
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("wrk_result requests %d duration_s %.3f rps %.1f\n",
		summary.requests, secs, summary.requests / secs))
	io.write(string.format("wrk_result latency_ms p50 %.3f p90 %.3f p99 %.3f max %.3f\n",
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000))
	io.write(string.format("wrk_result non2xx %d socket_errors %d\n", non2xx,
		e.connect + e.read + e.write + e.timeout))
end
