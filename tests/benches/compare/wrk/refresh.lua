-- Refresh-token rotation: every answer brings the refresh token for a later request, so each
-- thread keeps a queue of live tokens (at least one per connection) and each request spends
-- one.
local token_path = env("BENCH_PATH", "/token")
local all_tokens = env("BENCH_REFRESH_TOKENS", "")
local thread_count = tonumber(env("BENCH_THREADS", "1"))

function share_with_thread(thread, index)
  local mine, position = {}, 0
  for token in all_tokens:gmatch("%S+") do
    if position % thread_count == index - 1 then
      table.insert(mine, token)
    end
    position = position + 1
  end
  thread:set("initial_tokens", mine)
end

local queue = nil

function request()
  if queue == nil then
    queue = initial_tokens or {}
  end
  local token = table.remove(queue, 1) or "exhausted"
  return wrk.format("POST", token_path, form_headers,
    "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  if status == 200 then
    local token = body:match('"refresh_token":"([^"]+)"')
    if token then
      table.insert(queue, token)
      completed = completed + 1
      return
    end
  end
  failures = failures + 1
end
