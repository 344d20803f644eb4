-- Shared by every scenario (the harness puts it in front of the scenario's script).
-- Settings come from the environment the harness gives wrk; the summary line it reads is
-- printed by done().

local function env(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then
    return default
  end
  return value
end

authorization = env("BENCH_AUTHORIZATION", nil)
form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
if authorization then
  form_headers["Authorization"] = authorization
end

-- A response header, whatever the case of its name (Node keeps the case it was given).
function header(headers, wanted)
  for name, value in pairs(headers) do
    if name:lower() == wanted then
      return value
    end
  end
  return nil
end

-- Per thread: operations completed (a token, a flow) and answers that were not the expected one.
completed = 0
failures = 0

-- The next of BENCH_USERS users (user-<n>@example.com) to sign in, and the address the
-- sign-in comes from (sent as X-Forwarded-For; wrk stands in for a reverse proxy): a burst
-- of sign-ins is many people, each from their own address, not one account from one.
local user_count = tonumber(env("BENCH_USERS", "1"))
local sign_ins = 0

function next_user()
  local thread_count = tonumber(env("BENCH_THREADS", "1"))
  local n = (sign_ins * thread_count + (thread_index or 1) - 1) % user_count
  sign_ins = sign_ins + 1
  local address = string.format("10.%d.%d.%d", thread_index or 1, math.floor(n / 256) % 256, n % 256)
  return "user-" .. n .. "%40example.com", address
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
  if share_with_thread then
    share_with_thread(thread, #threads)
  end
end

function done(summary, latency, requests)
  local total_completed, total_failures = 0, 0
  for _, thread in ipairs(threads) do
    total_completed = total_completed + (thread:get("completed") or 0)
    total_failures = total_failures + (thread:get("failures") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"completed":%d,"failures":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    total_completed, total_failures,
    errors.connect + errors.read + errors.write + errors.timeout + errors.status))
end
