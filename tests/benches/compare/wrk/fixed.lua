-- One request, the same every time: client credentials, introspection, UserInfo, discovery,
-- JWKS. wrk builds it once; an answer outside 2xx/3xx counts as an error.
wrk.method = env("BENCH_METHOD", "GET")
local body = env("BENCH_BODY", nil)
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if authorization then
  wrk.headers["Authorization"] = authorization
end
