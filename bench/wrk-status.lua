-- wrk script: counts responses per HTTP status across all threads and prints one
-- machine-readable line at the end, next to wrk's own summary:
--   WRKSTATS requests=N connect=N read=N write=N timeout=N status=N codes=200:N,502:N
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("codes")) do
      total[code] = (total[code] or 0) + n
    end
  end
  local keys = {}
  for code in pairs(total) do table.insert(keys, code) end
  table.sort(keys)
  local parts = {}
  for _, code in ipairs(keys) do table.insert(parts, code .. ":" .. total[code]) end
  local e = summary.errors
  io.write(string.format("WRKSTATS requests=%d connect=%d read=%d write=%d timeout=%d status=%d codes=%s\n",
    summary.requests, e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ",")))
end
