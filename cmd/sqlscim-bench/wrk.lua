-- The wrk script of sqlscim-bench (wrk.go). sqlscim-bench writes the table P
-- above this text; wrk loads the result once in its main state and once in
-- each thread's state. P holds:
--
--   kind      "fixed" (one request again and again), "get_user" (a random
--             generated user), "post" (a new user each time) or "put" (the
--             thread's users in turn, alternately changed and changed back)
--   method    the HTTP method
--   head      "Host: ...\r\nAuthorization: Bearer ...\r\n..." (every header)
--   prefix    the SCIM base path, "/ws/rest/{app}/scim/v2"
--   path      the path after prefix (kind "fixed")
--   users     generated users 1..users are the ones requested
--   id, name  string.format patterns of user i's id and userName
--   id_pattern  a Lua pattern of an id, capturing i
--   parts, slots  the body: parts[1] .. value of slots[1] .. parts[2] ...
--   title, title_changed, dept, dept_changed  PUT's values (kind "put")
--   tag       makes POST's users unique to this run
--   threads   wrk's -t
--   conns     connections per thread
--   k         per thread, the PUT sequence number to continue from
--   want      the only status that counts as a success
--   base      the run's start, nanoseconds of the Unix epoch
--   ready     a path prefix: each thread creates ready..tid once all its
--             connections are up (TLS handshakes done)
--   seed      for math.random
--
-- sqlscim-bench waits for the ready files, then measures a window of its
-- choosing and stops wrk with SIGINT. Successful responses are counted per
-- 10 ms since base, so that it can count those of its window. A response
-- with any other status than want is counted as bad and never as
-- throughput; sqlscim-bench fails the scenario when there is one. done()
-- prints three lines that sqlscim-bench reads (prefix "sqlscim-bench").

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } sqlscim_bench_timespec;
int clock_gettime(int clk_id, sqlscim_bench_timespec *tp);
]]
local ts = ffi.new("sqlscim_bench_timespec")

-- now is CLOCK_REALTIME in nanoseconds, the clock of Go's time.Now().UnixNano()
-- (a double: 256 ns steps, plenty for 10 ms buckets).
local function now()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) * 1e9 + tonumber(ts.tv_nsec)
end

local head = P.method .. " " .. P.prefix
local tail = " HTTP/1.1\r\n" .. P.head

local function build(path, body)
  if body == nil then
    return head .. path .. tail .. "\r\n"
  end
  return head .. path .. tail .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
end

local function fill(vals)
  local out = { P.parts[1] }
  for j = 1, #P.slots do
    out[#out + 1] = vals[P.slots[j]]
    out[#out + 1] = P.parts[j + 1]
  end
  return table.concat(out)
end

-- ents is user i's entitlements as JSON array elements: userEnts and
-- swapEnt of lab.go (2 to 4 of the ids 1..10; the first one swapped for
-- (i+1)%10+1 when changed), and entsJSON's spelling.
local function ents(i, changed)
  local out = {}
  for j = 0, 1 + i % 3 do
    local e = (i + 3 * j) % 10 + 1
    if j == 0 and changed then
      e = (i + 1) % 10 + 1
    end
    out[#out + 1] = '{"value":"' .. e .. '","type":"Entitlement"}'
  end
  return table.concat(out, ",")
end

-- Main state: number the threads, and collect them for done().
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Thread states.
local fixed

function init(args)
  math.randomseed(P.seed + tid)
  ok, bad, first_bad, n = 0, 0, "", 0
  -- wrk calls request() once in thread 0's state before the threads start,
  -- to parse the request it returns; that request is never sent, so it must
  -- not take a user or an id.
  verifying = tid == 0
  -- inflight counts requests sent and not answered; when it first reaches
  -- the thread's connections, all of them are connected (TLS included).
  inflight, ready = 0, false
  -- Successful responses per 10 ms since P.base: the current bucket and
  -- its count, and the earlier ones as "i:n," (a string: wrk's thread:get
  -- swaps the keys and values of a table it copies).
  cur, cur_n, encoded = -1, 0, ""
  -- busy[i]: a PUT of user i is in flight; passed counts users passed over.
  busy, passed = {}, 0
  k = P.k[tid + 1] or 0
  if P.kind == "fixed" then
    fixed = build(P.path, P.parts and fill({}) or nil)
  end
end

function request()
  if verifying then
    verifying = false
    return "GET " .. P.prefix .. "/Status" .. tail .. "\r\n"
  end
  inflight = inflight + 1
  if not ready and inflight >= P.conns then
    ready = true
    local f = io.open(P.ready .. tid, "w")
    if f then
      f:close()
    end
  end
  local kind = P.kind
  if kind == "get_user" then
    return build("/Users/" .. string.format(P.id, math.random(P.users)))
  elseif kind == "post" then
    n = n + 1
    local name = string.format("post-%s-%d-%d", P.tag, tid, n)
    return build("/Users", fill({ ID = name .. "@example.com", NAME = name }))
  elseif kind == "put" then
    -- The thread's users are i = 1 + tid + threads*j, so no two threads
    -- touch one user; the thread walks them in turn, and each visit changes
    -- the user or changes it back. A user whose last PUT is still in flight
    -- (a slow request, while the thread's other connections went round all
    -- its users) is passed over: two PUTs of one user at once could both
    -- swap the same entitlement. Its next visit then sends what the
    -- database holds already, and the one after is in step again.
    local share = math.floor(P.users / P.threads)
    local i, changed, tries = 0, false, 0
    repeat
      i = 1 + tid + P.threads * (k % share)
      changed = math.floor(k / share) % 2 == 0
      k = k + 1
      tries = tries + 1
    until not busy[i] or tries > share -- all busy: answers without ids
    passed = passed + tries - 1
    busy[i] = true
    local id = string.format(P.id, i)
    return build("/Users/" .. id, fill({
      ID = id,
      NAME = string.format(P.name, i),
      TITLE = changed and P.title_changed or P.title,
      DEPT = changed and P.dept_changed or P.dept,
      ENTS = ents(i, changed),
    }))
  end
  return fixed
end

function response(status, headers, body)
  inflight = inflight - 1
  if P.kind == "put" then
    -- The answer is the user; its id frees it for the next visit.
    local i = string.match(body or "", '"id":"' .. P.id_pattern .. '"')
    if i then
      busy[tonumber(i)] = nil
    end
  end
  if status ~= P.want then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 300)
    end
    return
  end
  ok = ok + 1
  local i = math.floor((now() - P.base) / 1e7)
  if i ~= cur then
    if cur_n > 0 then
      encoded = encoded .. string.format("%d:%d,", cur, cur_n)
    end
    cur, cur_n = i, 0
  end
  cur_n = cur_n + 1
end

function done(summary, latency, requests)
  local o, b, first, ks, buckets, passed = 0, 0, "", {}, {}, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    passed = passed + t:get("passed")
    b = b + t:get("bad")
    if first == "" then
      first = t:get("first_bad")
    end
    ks[#ks + 1] = string.format("%d", t:get("k"))
    buckets[#buckets + 1] = t:get("encoded") .. string.format("%d:%d", t:get("cur"), t:get("cur_n"))
  end
  local e = summary.errors
  io.write(string.format("sqlscim-bench: ok=%d bad=%d requests=%d connect=%d read=%d write=%d timeout=%d passed=%d k=%s\n",
    o, b, summary.requests, e.connect, e.read, e.write, e.timeout, passed, table.concat(ks, ",")))
  -- Successful responses per 10 ms since P.base, as bucket:count.
  io.write("sqlscim-bench-buckets: ", table.concat(buckets, ","), "\n")
  -- The latencies of the run as 1000 quantiles (µs), each standing for a
  -- thousandth of the responses, so that runs can be merged.
  local q = {}
  for i = 1, 1000 do
    q[i] = string.format("%d", latency:percentile((i - 0.5) / 10))
  end
  io.write("sqlscim-bench-latency: ", table.concat(q, ","), "\n")
  io.write("sqlscim-bench-first-bad: ", (string.gsub(first, "[\r\n]", " ")), "\n")
end
