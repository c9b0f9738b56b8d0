-- reject.lua - a zip holding a script dropper is rejected with 550 5.7.1 and the ref id
dofile(os.getenv("FM_DIR") .. "/lib.lua")
local conn = fm.session(fm.read(os.getenv("FM_DATA") .. "/invoice-zip-js.eml"))
if mt.getreply(conn) ~= SMFIR_REPLYCODE then fm.fail("reply is not a reply code: " .. mt.getreply(conn)) end
local ref = fm.logref("QID1")
if ref == nil then fm.fail("no log line for QID1") end
local text = "Message rejected: dangerous content (ref " .. ref .. ")"
if not mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", text) then
    fm.fail("reply is not 550 5.7.1 " .. text)
end
if mt.eom_check(conn, MT_HDRADD, "X-Fileless-Verdict") then fm.fail("a rejected message got headers") end
mt.disconnect(conn)
