-- The code flow with a sign-in, on the reference provider: authorization request, its
-- interaction page, the sign-in form, the resumed authorization request, the code exchange.
-- Every answer says which step comes next (its cookies carry the interaction's id, which
-- the Location or the form gives), so any connection can send it.
local authorize = env("BENCH_AUTHORIZE", "/auth")
local token_path = env("BENCH_TOKEN_PATH", "/token")
local exchange_body = "grant_type=authorization_code&redirect_uri=" .. env("BENCH_REDIRECT_URI_ENCODED", "")
  .. "&code_verifier=" .. env("BENCH_VERIFIER", "") .. "&code="
local password = env("BENCH_PASSWORD", "")
local steps = {}

local function cookie(name, value)
  return { ["Cookie"] = name .. "=" .. value }
end

function request()
  return table.remove(steps, 1) or wrk.format("GET", authorize)
end

function response(status, headers, body)
  local location = header(headers, "location")
  if location then
    local code = location:match("[?&]code=([^&]+)")
    if code then
      table.insert(steps, wrk.format("POST", token_path, form_headers, exchange_body .. code))
      return
    end
    local uid = location:match("/interaction/([^/?]+)")
    if uid then
      table.insert(steps, wrk.format("GET", "/interaction/" .. uid, cookie("_interaction", uid)))
      return
    end
    uid = location:match("/auth/([^/?]+)")
    if uid then
      table.insert(steps, wrk.format("GET", "/auth/" .. uid, cookie("_interaction_resume", uid)))
      return
    end
  elseif status == 200 then
    if body:find('"access_token"', 1, true) then
      completed = completed + 1
      return
    end
    local uid = body:match('action="/interaction/([^"]+)"')
    if uid then
      local login, address = next_user()
      local post_headers = cookie("_interaction", uid)
      post_headers["Content-Type"] = "application/x-www-form-urlencoded"
      post_headers["X-Forwarded-For"] = address
      table.insert(steps, wrk.format("POST", "/interaction/" .. uid, post_headers,
        "login=" .. login .. "&password=" .. password))
      return
    end
  end
  failures = failures + 1
end
