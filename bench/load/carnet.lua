-- wrk script of Carnet's load benchmark (bench/load/run.sh). One script for every
-- workload, chosen by the environment:
--   BENCH_MODE  page | article | static | history | diff | recent | search | save |
--               walk (each page once, then stop: warms the render cache) |
--               prime (each page's current revision through the JSON API, then stop)
--   BENCH_DIR   the folder of titles.txt, words.txt, save.json, token, bases.tsv
--   BENCH_PATH  the one URL of `article` and `static`
--   BENCH_GZIP  1: reads send `Accept-Encoding: gzip`, as every browser does
-- done() prints one tab-separated RESULT line that run.sh turns into the table.

local mode = os.getenv("BENCH_MODE") or "page"
local dir = os.getenv("BENCH_DIR") or "."
local fixed = os.getenv("BENCH_PATH") or "/"
local read_headers = nil
if os.getenv("BENCH_GZIP") == "1" then read_headers = { ["Accept-Encoding"] = "gzip" } end

local function read_lines(path)
  local out = {}
  local file = io.open(path, "r")
  if file == nil then return out end
  for line in file:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  file:close()
  return out
end

local paths, titles, index_of = {}, {}, {}
local words = {}
local save_head, token
local bases = {}
-- Each page's current text as a JSON string literal (quotes included), from the
-- prime answers and the saves: a save is that text plus a line, like a real edit.
local texts = {}
local sent = {}
local next_index = 0
local answers = 0
local out_file

local function api_path(i)
  -- /wiki/X -> /api/v1/pages/X (the same percent-encoded title).
  return "/api/v1/pages/" .. string.sub(paths[i], 7)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  for _, line in ipairs(read_lines(dir .. "/titles.txt")) do
    local path, title = string.match(line, "^([^\t]+)\t(.+)$")
    paths[#paths + 1] = path
    titles[#titles + 1] = title
    index_of[title] = #paths
  end
  words = read_lines(dir .. "/words.txt")
  if mode == "save" then
    token = read_lines(dir .. "/token")[1]
    local text = read_lines(dir .. "/save.json")[1]
    -- The JSON string without its closing quote: each save adds a line to it.
    save_head = string.sub(text, 1, -2)
    for _, line in ipairs(read_lines(dir .. "/bases.tsv")) do
      local title, id, text = string.match(line, "^([^\t]+)\t(%d+)\t?(.*)$")
      if title and index_of[title] then
        bases[index_of[title]] = id
        if text ~= "" then texts[index_of[title]] = text end
      end
    end
    -- Start somewhere else than the previous run: its pages' bases are in bases.tsv anyway.
    next_index = math.random(#paths) - 1
  end
  if mode == "prime" or mode == "save" then
    out_file = io.open(dir .. "/bases.tsv", "a")
  end
end

local counter = 0

-- A monotonic clock (LuaJIT's FFI): walk and prime end themselves, and wrk would
-- otherwise wait for the whole -d duration before reporting.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local function now()
  local ts = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end
local started = now()
local failures = 0

local function get(path)
  return wrk.format("GET", path, read_headers)
end

function request()
  if mode == "page" then
    return get(paths[math.random(#paths)])
  elseif mode == "article" or mode == "static" then
    return get(fixed)
  elseif mode == "history" then
    return get(paths[math.random(#paths)] .. "?action=history")
  elseif mode == "diff" then
    return get(paths[math.random(#paths)] .. "?action=diff")
  elseif mode == "recent" then
    return get("/wiki/Sp%C3%A9cial:Modifications_r%C3%A9centes")
  elseif mode == "search" then
    return get("/wiki/Sp%C3%A9cial:Recherche?q=" .. words[math.random(#words)])
  elseif mode == "walk" or mode == "prime" then
    next_index = next_index + 1
    local i = ((next_index - 1) % #paths) + 1
    if mode == "walk" then return get(paths[i]) end
    return wrk.format("GET", api_path(i))
  elseif mode == "save" then
    -- The pages in turn: with 10,000 pages a page comes back long after its previous
    -- save was answered, so its base is the current revision (no merge).
    next_index = next_index + 1
    local i = (next_index % #paths) + 1
    counter = counter + 1
    -- The page's text with one more line (the generated text when it is not known).
    local head = texts[i] and string.sub(texts[i], 1, -2) or save_head
    local body = head .. "\\n\\nModification n° " .. counter .. " du banc de charge.\\n\""
    sent[i] = body
    local base = bases[i] or "null"
    return wrk.format("PUT", api_path(i), {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
    }, '{"text":' .. body .. ',"base_revision":' .. base .. ',"comment":"banc de charge"}')
  end
  return get("/")
end

-- The JSON string literal (quotes included) of `key` in `body`, escapes kept.
local function json_string(body, key)
  local start = string.find(body, '"' .. key .. '":"', 1, true)
  if not start then return nil end
  local open = start + #key + 3
  local j = open + 1
  while j <= #body do
    local c = string.byte(body, j)
    if c == 92 then
      j = j + 2
    elseif c == 34 then
      return string.sub(body, open, j)
    else
      j = j + 1
    end
  end
  return nil
end

local function remember(body)
  local title = string.match(body, '^{"title":"(.-)"')
  local id = string.match(body, '"revision":{"id":(%d+)')
  if title and index_of[title] then
    local i = index_of[title]
    bases[i] = id
    local text
    if mode == "prime" then text = json_string(body, "text") else text = sent[i] end
    texts[i] = text
    out_file:write(title, "\t", id, "\t", text or "", "\n")
    out_file:flush()
  end
end

-- Only the modes that read answers define response(): wrk skips the call otherwise.
if mode == "save" or mode == "prime" or mode == "walk" then
  function response(status, headers, body)
    if mode == "prime" and status == 200 then
      remember(body)
    elseif mode == "save" and (status == 200 or status == 201) then
      remember(body)
    end
    if mode == "walk" or mode == "prime" then
      answers = answers + 1
      if status ~= 200 then failures = failures + 1 end
      if answers >= #paths then
        -- No latency histogram here: the rate and the failures only.
        local seconds = now() - started
        io.write(string.format("RESULT\t%s\t%d\t%.1f\t0\t0\t0\t%d\t0\t0\n",
          mode, answers, answers / seconds, failures))
        io.stdout:flush()
        os.exit(0)
      end
    end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT\t%s\t%d\t%.1f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\n",
    mode, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
