-- lib.lua - helpers for the miltertest scripts (loaded with dofile)
--   FM_SOCK: the daemon's socket ("unix:/path"); FM_LOG: its log file; FM_DATA: samples dir
fm = {}

-- fm.fail - report a failed check and stop the script with status 1
function fm.fail(what)
    io.stderr:write("FAIL: " .. what .. "\n")
    os.exit(1)
end

-- fm.read - the bytes of a file
function fm.read(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("a")
    f:close()
    return s
end

-- fm.split - header fields (name, value with its leading space) and the body (CRLF)
function fm.split(raw)
    raw = raw:gsub("\r\n", "\n")
    local head, body = raw:match("^(.-)\n\n(.*)$")
    if head == nil then head, body = raw, "" end
    local fields = {}
    for line in (head .. "\n"):gmatch("(.-)\n") do
        if line:match("^[ \t]") and #fields > 0 then
            fields[#fields].value = fields[#fields].value .. "\r\n" .. line
        else
            local n, v = line:match("^([^:]+):(.*)$")
            if n then fields[#fields + 1] = {name = n, value = v} end
        end
    end
    return fields, body:gsub("\n", "\r\n")
end

-- fm.session - connect, send envelope, headers (extra ones first) and body, then EOM
--   (the recipient is FM_RCPT when set, else <user@example.net>)
function fm.session(raw, extra)
    local conn = mt.connect(os.getenv("FM_SOCK"), 40, 0.25)
    if conn == nil then fm.fail("cannot connect to " .. os.getenv("FM_SOCK")) end
    mt.set_timeout(60)
    if mt.conninfo(conn, "client.example", "192.0.2.7") ~= nil then fm.fail("conninfo") end
    if mt.helo(conn, "client.example") ~= nil then fm.fail("helo") end
    mt.macro(conn, SMFIC_MAIL, "i", "QID1")
    if mt.mailfrom(conn, "<sender@example.org>") ~= nil then fm.fail("mailfrom") end
    if mt.rcptto(conn, os.getenv("FM_RCPT") or "<user@example.net>") ~= nil then fm.fail("rcptto") end
    local fields, body = fm.split(raw)
    for _, h in ipairs(extra or {}) do table.insert(fields, 1, h) end
    for _, h in ipairs(fields) do
        if mt.header(conn, h.name, h.value) ~= nil then fm.fail("header " .. h.name) end
    end
    if mt.eoh(conn) ~= nil then fm.fail("eoh") end
    if mt.bodystring(conn, body) ~= nil then fm.fail("body") end
    if mt.eom(conn) ~= nil then fm.fail("eom") end
    return conn
end

-- fm.logref - the ref id of the last logged message line with the given qid
function fm.logref(qid)
    local ref
    for line in io.lines(os.getenv("FM_LOG")) do
        local r = line:match("ref=(%x+) qid=" .. qid .. " ")
        if r then ref = r end
    end
    return ref
end

-- fm.expect_header - an added header whose value (leading space removed) matches pattern
function fm.expect_header(conn, name, pattern)
    local v = mt.getheader(conn, name, 0)
    if v == nil then fm.fail("no " .. name .. " header added") end
    v = v:gsub("^ ", "")
    if not v:match(pattern) then fm.fail(name .. ": '" .. v .. "' does not match " .. pattern) end
    return v
end
