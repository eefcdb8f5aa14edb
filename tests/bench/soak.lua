-- soak.lua - the wrk script of tests/bench/soak.sh: a steady mixed load.
--
--   wrk ... -s tests/bench/soak.lua http://127.0.0.1:PORT -- DIR COUNSELLOR EMPLOYER DELAY_MS
--
-- DIR holds ids.txt (vacancy ids to read, one a line); each wrk thread
-- appends the id of every vacancy whose creation was acknowledged (201) to
-- DIR/acked-N.txt, and every 5xx answer to DIR/errors-N.txt. Each
-- connection cycles through search, search, match, read, write, pausing
-- DELAY_MS between requests (a steady rate, not a flood). done() prints
-- lines for the script:
--   soak_result requests N duration_s S rps R
--   soak_result latency_ms p50 A p90 B p99 C max D
--   soak_result status CODE N          (one line per status seen)
--   soak_result socket_errors connect A read B write C timeout D

local threads = {}

function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end

local ids = {}
local searches = {
	"/v1/vacancies?q=welder&limit=10",
	"/v1/vacancies?q=nurse&country=ZA&limit=10",
	"/v1/vacancies?q=driver&limit=20",
	"/v1/vacancies?q=cook+kitchen&limit=10",
	"/v1/vacancies?occupation=7212&limit=10",
	"/v1/vacancies?q=electrician&language=en&limit=10",
	"/v1/vacancies?q=soak+baker&limit=5",
}
local match_body = '{"profile":{"occupations":["7212"],"languages":[{"code":"en","level":"B2"}]},'
	.. '"countries":["ZA","BW","HR"],"limit":10}'
local n = 0
local delay_ms = 10
local counsellor_h, employer_h
local acked_f, errors_f
status = {}

function init(args)
	local dir = args[1]
	for line in io.lines(dir .. "/ids.txt") do
		if #line > 0 then ids[#ids + 1] = line end
	end
	if #ids == 0 then error("no ids in " .. dir .. "/ids.txt") end
	counsellor_h = {["Authorization"] = "Bearer " .. args[2]}
	employer_h = {["Authorization"] = "Bearer " .. args[3],
		["Content-Type"] = "application/json"}
	delay_ms = tonumber(args[4]) or 10
	acked_f = assert(io.open(dir .. "/acked-" .. id .. ".txt", "a"))
	errors_f = assert(io.open(dir .. "/errors-" .. id .. ".txt", "a"))
	n = id * 7919
end

function delay()
	return delay_ms
end

function request()
	n = n + 1
	local k = n % 5
	if k == 0 or k == 1 then
		return wrk.format("GET", searches[n % #searches + 1], counsellor_h)
	elseif k == 2 then
		local h = {["Authorization"] = counsellor_h["Authorization"],
			["Content-Type"] = "application/json"}
		return wrk.format("POST", "/v1/match", h, match_body)
	elseif k == 3 then
		return wrk.format("GET", "/v1/vacancies/v_" .. ids[n % #ids + 1], counsellor_h)
	end
	local body = string.format('{"title":"Soak baker t%d n%d","occupation":"7512",'
		.. '"country":"HR","positions":3,"description":"written by the soak"}', id, n)
	return wrk.format("POST", "/v1/vacancies", employer_h, body)
end

function response(code, headers, body)
	status[code] = (status[code] or 0) + 1
	if code == 201 then
		local v = body:match('"id":"v_(%d+)"')
		if v then
			acked_f:write(v, "\n")
			acked_f:flush()
		end
	elseif code >= 500 then
		errors_f:write(code, " ", (body or ""):sub(1, 300), "\n")
		errors_f:flush()
	end
end

function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		local s = t:get("status") or {}
		for code, c in pairs(s) do all[code] = (all[code] or 0) + c end
	end
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("soak_result requests %d duration_s %.1f rps %.1f\n",
		summary.requests, secs, summary.requests / secs))
	io.write(string.format("soak_result latency_ms p50 %.2f p90 %.2f p99 %.2f max %.2f\n",
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000))
	local codes = {}
	for code in pairs(all) do codes[#codes + 1] = code end
	table.sort(codes)
	for _, code in ipairs(codes) do
		io.write(string.format("soak_result status %d %d\n", code, all[code]))
	end
	io.write(string.format("soak_result socket_errors connect %d read %d write %d timeout %d\n",
		e.connect, e.read, e.write, e.timeout))
end
