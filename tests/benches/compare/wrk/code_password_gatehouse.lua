-- The code flow with a password sign-in, on Gatehouse: authorization request, the sign-in
-- page it sends the browser to (which sets the CSRF cookie), the sign-in form, the code
-- exchange. Every answer says which step comes next (the Location, or the page's cookie and
-- hidden fields), so any connection can send it. Each sign-in is a different user from a
-- different address (see next_user in common.lua), as in a burst of real sign-ins.
local authorize = env("BENCH_AUTHORIZE", "/authorize")
local token_path = env("BENCH_TOKEN_PATH", "/token")
local exchange_body = "grant_type=authorization_code&redirect_uri=" .. env("BENCH_REDIRECT_URI_ENCODED", "")
  .. "&code_verifier=" .. env("BENCH_VERIFIER", "") .. "&code="
local password = env("BENCH_PASSWORD", "")
local steps = {}

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
    if location:find("^/login%?") then
      table.insert(steps, wrk.format("GET", location))
      return
    end
  elseif status == 200 then
    if body:find('"access_token"', 1, true) then
      completed = completed + 1
      return
    end
    local csrf = body:match('name="csrf_token" value="([^"]+)"')
    local flow = body:match('name="flow" value="([^"]+)"')
    local cookie = (header(headers, "set-cookie") or ""):match("^([^;]+)")
    if csrf and flow and cookie then
      local login, address = next_user()
      local post_headers = {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Forwarded-For"] = address,
      }
      table.insert(steps, wrk.format("POST", "/login", post_headers,
        "csrf_token=" .. csrf .. "&flow=" .. flow .. "&email=" .. login .. "&password=" .. password))
      return
    end
  end
  failures = failures + 1
end
