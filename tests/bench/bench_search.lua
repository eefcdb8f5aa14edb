-- bench_search.lua - wrk script for GET /v1/vacancies (see tests/bench/bench.sh).
--
--   wrk ... -s tests/bench/bench_search.lua http://127.0.0.1:PORT -- URLS_FILE TOKEN
--
-- URLS_FILE holds one path+query per line (bench_search --urls writes it);
-- each wrk thread cycles through them from its own starting point. Every
-- answer that is not 2xx is counted, and done() prints lines for scripts:
--   wrk_result requests N duration_s S rps R
--   wrk_result latency_ms p50 A p90 B p99 C max D
--   wrk_result non2xx N socket_errors M

local threads = {}

function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end

local paths = {}
local pos = 0
bad = 0

function init(args)
	for line in io.lines(args[1]) do
		if #line > 0 then paths[#paths + 1] = line end
	end
	if #paths == 0 then error("no paths in " .. args[1]) end
	wrk.headers["Authorization"] = "Bearer " .. args[2]
	pos = ((id or 0) * 7919) % #paths
end

function request()
	pos = pos % #paths + 1
	return wrk.format("GET", paths[pos])
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
