-- The code flow for a signed-in user: GET the authorization endpoint with the session's
-- cookies, which answers with a redirect carrying a code; a later request exchanges it with
-- PKCE. One completed flow is one token response.
local authorize = env("BENCH_AUTHORIZE", "/authorize")
local token_path = env("BENCH_TOKEN_PATH", "/token")
local exchange_body = "grant_type=authorization_code&redirect_uri=" .. env("BENCH_REDIRECT_URI_ENCODED", "")
  .. "&code_verifier=" .. env("BENCH_VERIFIER", "") .. "&code="
local browser_headers = { ["Cookie"] = env("BENCH_COOKIE", "") }
local codes = {}

function request()
  local code = table.remove(codes, 1)
  if code then
    return wrk.format("POST", token_path, form_headers, exchange_body .. code)
  end
  return wrk.format("GET", authorize, browser_headers)
end

function response(status, headers, body)
  local location = header(headers, "location")
  if location then
    local code = location:match("[?&]code=([^&]+)")
    if code then
      table.insert(codes, code)
      return
    end
  elseif status == 200 and body:find('"access_token"', 1, true) then
    completed = completed + 1
    return
  end
  failures = failures + 1
end
