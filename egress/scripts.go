package egress

import "github.com/redis/go-redis/v9"

// The per-source state that every worker process shares lives in a few
// Redis keys, each changed only by one of these scripts so that a check and
// its consequence happen atomically. Times come from Redis's own clock
// (TIME), as in redis_rate, so worker clocks need not agree.
//
// Keys of a source s, all under the hash tag {s} so the scripts also run
// on Redis Cluster:
//
//	slots    sorted set of in-flight holders, scored by lease expiry (ms)
//	pause    reason ("paused"/"throttled"), PX = how long
//	fails    consecutive transient failures, expires one window after the first
//	open     opened-at (ms), PX = cool-down; present: circuit open
//	tripped  opened-at (ms); present without open: half-open
//	probe    token of the one request let through while half-open, PX = lease

// redisNow is Redis's clock in milliseconds (Lua numbers are doubles, exact
// for these values).
const redisNow = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// admitScript: KEYS pause, open, tripped, probe; ARGV token, probe lease ms.
// Returns {verdict, reason, ms}: {"ok"}, {"probe"} when this request is the
// half-open probe, or {"hold", reason, retry-in ms}.
var admitScript = redis.NewScript(`
local pt = redis.call('PTTL', KEYS[1])
if pt ~= -2 then
  return {'hold', redis.call('GET', KEYS[1]) or 'paused', pt}
end
local ot = redis.call('PTTL', KEYS[2])
if ot ~= -2 then
  return {'hold', 'circuit open', ot}
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('SET', KEYS[4], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return {'probe', '', 0}
  end
  return {'hold', 'half-open', redis.call('PTTL', KEYS[4])}
end
return {'ok', '', 0}
`)

// slotScript: KEYS slots; ARGV limit, holder, lease ms. Drops expired
// leases (holders that died), then takes a slot if one is free: 1 or 0.
var slotScript = redis.NewScript(redisNow + `
local now = now_ms()
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], string.format('%d', now + lease), ARGV[2])
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], lease)
end
return 1
`)

// doneScript: KEYS slots, fails, open, tripped, probe, pause; ARGV holder,
// kind ("ok", "fail", "none"), probe token, failures to trip, window ms,
// cool-down ms, throttle ms, tripped ttl ms. Releases the slot, applies a
// throttle pause and moves the breaker. Returns the circuit state it left
// ("open", "closed") or "" when it did not change it.
var doneScript = redis.NewScript(redisNow + `
if ARGV[1] ~= '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
end
local throttle = tonumber(ARGV[7])
if throttle > 0 and redis.call('PTTL', KEYS[6]) < throttle then
  redis.call('SET', KEYS[6], 'throttled', 'PX', throttle)
end
local kind = ARGV[2]
if kind == 'fail' then
  -- Requests that were under way when the circuit opened do not count:
  -- they would only stretch the cool-down.
  if redis.call('EXISTS', KEYS[3]) == 1 then
    return ''
  end
  local halfopen = redis.call('EXISTS', KEYS[4]) == 1
  local n = redis.call('INCR', KEYS[2])
  if n == 1 then
    redis.call('PEXPIRE', KEYS[2], ARGV[5])
  end
  if halfopen or n >= tonumber(ARGV[4]) then
    local now = string.format('%d', now_ms())
    redis.call('SET', KEYS[3], now, 'PX', ARGV[6])
    redis.call('SET', KEYS[4], now, 'PX', ARGV[8])
    redis.call('DEL', KEYS[5])
    return 'open'
  end
  return ''
end
if kind == 'ok' then
  if redis.call('EXISTS', KEYS[3]) == 1 then
    return ''
  end
  redis.call('DEL', KEYS[2], KEYS[4], KEYS[5])
  return 'closed'
end
if ARGV[3] ~= '' and redis.call('GET', KEYS[5]) == ARGV[3] then
  redis.call('DEL', KEYS[5])
end
return ''
`)

// stateScript: KEYS slots, pause, open, tripped, fails. Returns {now ms,
// in flight, pause reason, pause ttl ms, open ttl ms, opened-at, failures}.
var stateScript = redis.NewScript(redisNow + `
local now = now_ms()
return {
  string.format('%d', now),
  redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%d', now), '+inf'),
  redis.call('GET', KEYS[2]) or '',
  redis.call('PTTL', KEYS[2]),
  redis.call('PTTL', KEYS[3]),
  redis.call('GET', KEYS[4]) or '',
  redis.call('GET', KEYS[5]) or '0',
}
`)
