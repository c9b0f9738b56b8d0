-- spoofcap.lua - no number of inbound X-Fileless-* headers lets a forged verdict through:
-- 998 dummies + a forged Verdict and Report (1,000, max_spoofed_headers): every one is
-- deleted, ours is inserted at the top; 1,000 dummies + the forged two: refused (550)
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local raw = fm.read(os.getenv("FM_DATA") .. "/newsletter.eml")

-- extra - n dummies, then the forged verdict and report, in front of the real header
local function extra(n)
    local t = {}
    for i = 1, n do t[#t + 1] = {name = "X-Fileless-Dummy" .. (i % 7), value = " x"} end
    t[#t + 1] = {name = "X-Fileless-Verdict", value = " clean; forged"}
    t[#t + 1] = {name = "X-Fileless-Report", value = " forged"}
    -- fm.session puts extra headers first in reverse order: reverse to keep the forged last
    local r = {}
    for i = #t, 1, -1 do r[#r + 1] = t[i] end
    return r
end

local conn = fm.session(raw, extra(998))
if not mt.eom_check(conn, MT_HDRDELETE, "X-Fileless-Verdict") then fm.fail("forged verdict kept") end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Fileless-Report") then fm.fail("forged report kept") end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Fileless-Dummy3") then fm.fail("dummy kept") end
if not mt.eom_check(conn, MT_HDRINSERT, "X-Fileless-Verdict") then fm.fail("verdict not inserted") end
fm.expect_header(conn, "X-Fileless-Verdict", "^%a+; score=[%d.]+; ref=%x+; rules=%x+$")
mt.disconnect(conn)

conn = fm.session(raw, extra(1000))
if mt.getreply(conn) ~= SMFIR_REPLYCODE then fm.fail("1,002 X-Fileless-* headers not refused") end
local ref = fm.logref("QID1")
local text = "message refused: 1002 X-Fileless-* headers (ref " .. (ref or "?") .. ")"
if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", text) then fm.fail("not 550 5.7.1 " .. text) end
if mt.eom_check(conn, MT_HDRINSERT) or mt.eom_check(conn, MT_HDRADD) then
    fm.fail("headers added to a refused message")
end
mt.disconnect(conn)
